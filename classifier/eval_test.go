package classifier

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

func loadCorpus(t testing.TB) []Example {
	t.Helper()
	f, err := os.Open("testdata/corpus.jsonl")
	if err != nil {
		t.Fatalf("open corpus: %v", err)
	}
	defer f.Close()
	var xs []Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var x Example
		if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
			t.Fatalf("decode corpus: %v", err)
		}
		xs = append(xs, x)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	return xs
}

func TestEmbeddedModel(t *testing.T) {
	if defaultModel == nil {
		t.Fatal("no usable embedded model: run go run ./cmd/trainclassifier")
	}
	b, err := defaultModel.MarshalBinary()
	if err != nil || string(b) != string(modelBin) {
		t.Fatalf("model does not round-trip (err %v)", err)
	}
}

// TestHeldOutMetrics computes the held-out (family split) metrics of the
// embedded model on the committed corpus. The thresholds are a little below
// the values measured when the model was trained, so a regression fails.
func TestHeldOutMetrics(t *testing.T) {
	xs := loadCorpus(t)
	if len(xs) < 3000 {
		t.Fatalf("corpus has %d documents, want at least 3000", len(xs))
	}
	var test []Example
	for _, x := range xs {
		if x.Split == "test" {
			test = append(test, x)
		}
	}
	scored := ScoreExamples(nil, test)
	m := Evaluate(scored)
	t.Logf("held-out: %v", m)
	if testing.Verbose() {
		t.Log("\n" + Report(scored))
	}
	if m.AUC < 0.985 {
		t.Errorf("held-out AUC %.4f < 0.985", m.AUC)
	}
	if m.RecallAt1FPR < 0.90 {
		t.Errorf("held-out recall at 1%% FPR %.3f < 0.90", m.RecallAt1FPR)
	}
	if m.FlagRecall < 0.90 {
		t.Errorf("held-out recall of Flagged %.3f < 0.90", m.FlagRecall)
	}
	if m.FlagFPR > 0.01 {
		t.Errorf("held-out FPR of Flagged %.3f > 0.01", m.FlagFPR)
	}
	if m.MetaFPR > 0.05 {
		t.Errorf("FPR on documents about injection %.3f > 0.05", m.MetaFPR)
	}
}

func TestCorpusReproducible(t *testing.T) {
	xs := loadCorpus(t)
	gen := GenerateCorpus(20261126, len(xs))
	for i := range xs {
		if xs[i] != gen[i] {
			t.Fatalf("document %d differs from the generator output; rerun go run ./cmd/trainclassifier", i)
		}
	}
}
