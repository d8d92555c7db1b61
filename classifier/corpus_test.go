package classifier

import "testing"

func TestGenerateCorpusDeterministic(t *testing.T) {
	a, b := GenerateCorpus(7, 300), GenerateCorpus(7, 300)
	pos, test := 0, 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("document %d differs between runs", i)
		}
		pos += a[i].Label
		if a[i].Split == "test" {
			test++
		}
		if heldOutCarriers[a[i].Carrier] && a[i].Split != "test" {
			t.Fatalf("held-out carrier in train: %+v", a[i])
		}
	}
	if pos < 100 || pos > 200 || test == 0 || test == len(a) {
		t.Fatalf("unbalanced corpus: %d positives, %d test of %d", pos, test, len(a))
	}
}
