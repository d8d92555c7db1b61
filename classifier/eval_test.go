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
	// The targets, and guards a little below what the embedded
	// model measured (AUC 0.991, flagged recall 0.925 at FPR 0.036).
	if m.AUC < 0.97 {
		t.Errorf("held-out AUC %.4f < 0.97", m.AUC)
	}
	if m.RecallAt1FPR < 0.85 {
		t.Errorf("held-out recall at 1%% FPR %.3f < 0.85", m.RecallAt1FPR)
	}
	if m.FlagRecall < 0.90 {
		t.Errorf("held-out recall of Flagged %.3f < 0.90", m.FlagRecall)
	}
	if m.FlagFPR > 0.06 {
		t.Errorf("held-out FPR of Flagged %.3f > 0.06", m.FlagFPR)
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

func TestEvaluateKnownValues(t *testing.T) {
	mk := func(pairs ...float64) []Scored {
		var out []Scored
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, Scored{Label: int(pairs[i]), Score: pairs[i+1]})
		}
		return out
	}
	if got := Evaluate(mk(1, 0.9, 1, 0.8, 0, 0.1, 0, 0.2)).AUC; got != 1 {
		t.Errorf("perfect separation: AUC = %v, want 1", got)
	}
	if got := Evaluate(mk(1, 0.1, 0, 0.9)).AUC; got != 0 {
		t.Errorf("inverted: AUC = %v, want 0", got)
	}
	if got := Evaluate(mk(1, 0.5, 0, 0.5)).AUC; got != 0.5 {
		t.Errorf("all tied: AUC = %v, want 0.5", got)
	}
	// 100 negatives, one scoring high: at 1% FPR that one may pass, so a
	// positive just under it still counts; one at the clean level does not.
	xs := mk(1, 0.95, 1, 0.1)
	for range 99 {
		xs = append(xs, Scored{Label: 0, Score: 0.1})
	}
	xs = append(xs, Scored{Label: 0, Score: 0.97, Flagged: true, Meta: true})
	m := Evaluate(xs)
	if m.RecallAt1FPR != 0.5 {
		t.Errorf("recall at 1%% FPR = %v, want 0.5", m.RecallAt1FPR)
	}
	if m.FlagFPR != 0.01 || m.MetaFPR != 1 || m.MetaN != 1 {
		t.Errorf("flag FPR %v, meta FPR %v (n=%d); want 0.01, 1 (n=1)", m.FlagFPR, m.MetaFPR, m.MetaN)
	}
}
