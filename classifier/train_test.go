package classifier

import "testing"

func TestTrainDeterministic(t *testing.T) {
	xs := GenerateCorpus(5, 400)
	opt := DefaultTrainOptions
	opt.Epochs = 3
	a, _ := Train(xs, opt).MarshalBinary()
	b, _ := Train(xs, opt).MarshalBinary()
	if string(a) != string(b) {
		t.Fatal("training is not deterministic")
	}
	m, err := ParseModel(a)
	if err != nil {
		t.Fatal(err)
	}
	if m.threshold <= 0 || m.threshold > 0.5 {
		t.Fatalf("threshold %v", m.threshold)
	}
}
