// Command trainclassifier regenerates the prompt-injection corpus, trains
// the classifier model and reports held-out metrics. Run it from the module
// root:
//
//	go run ./cmd/trainclassifier
//
// It writes classifier/testdata/corpus.jsonl and classifier/model.bin. The
// output is deterministic for a given -seed.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"

	"github.com/airlock-dev/airlock/classifier"
)

func main() {
	seed := flag.Int64("seed", 20261126, "corpus and training seed")
	n := flag.Int("n", 4000, "number of corpus documents")
	corpus := flag.String("corpus", "classifier/testdata/corpus.jsonl", "corpus output path")
	out := flag.String("out", "classifier/model.bin", "model output path")
	extra := flag.String("extra", "classifier/testdata/handwritten*.jsonl", "hand-written training documents (JSON lines; a glob), all used for training; \"\" for none")
	cv := flag.Int("cv", 0, "instead of training, cross-validate settings with this many folds over the hand-written documents")
	flag.Parse()
	if *cv > 1 {
		hand, err := readExtra(*extra)
		if err != nil {
			fmt.Fprintln(os.Stderr, "trainclassifier:", err)
			os.Exit(1)
		}
		crossValidate(classifier.GenerateCorpus(*seed, *n), hand, *cv)
		return
	}
	if err := run(*seed, *n, *corpus, *extra, *out); err != nil {
		fmt.Fprintln(os.Stderr, "trainclassifier:", err)
		os.Exit(1)
	}
}

func run(seed int64, n int, corpusPath, extraPath, outPath string) error {
	xs := classifier.GenerateCorpus(seed, n)
	if err := writeCorpus(corpusPath, xs); err != nil {
		return err
	}
	var hand []classifier.Example
	if extraPath != "" {
		var err error
		if hand, err = readExtra(extraPath); err != nil {
			return err
		}
	}
	opt := classifier.DefaultTrainOptions
	m := classifier.Train(append(append([]classifier.Example(nil), xs...), hand...), opt)
	b, err := m.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encode model: %w", err)
	}
	if err := os.WriteFile(outPath, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	// Report on the model as embedded (quantized), not the one in memory.
	if m, err = classifier.ParseModel(b); err != nil {
		return fmt.Errorf("read back the model: %w", err)
	}
	var test []classifier.Example
	for _, x := range xs {
		if x.Split == "test" {
			test = append(test, x)
		}
	}
	fmt.Printf("corpus: %d generated documents, %d held out by family; %d hand-written documents for training; threshold %.3f\n\nHELD-OUT (family split):\n%s\n", len(xs), len(test), len(hand), m.Threshold(),
		classifier.Report(classifier.ScoreExamples(m, test)))

	// Random split, for comparison only: it measures template memorisation.
	rng := rand.New(rand.NewSource(seed))
	rs := make([]classifier.Example, len(xs))
	copy(rs, xs)
	var rtest []classifier.Example
	for i := range rs {
		rs[i].Split = "train"
		if rng.Intn(5) == 0 {
			rs[i].Split = "test"
			rtest = append(rtest, rs[i])
		}
	}
	rm := classifier.Train(rs, opt)
	fmt.Printf("RANDOM SPLIT (not a generalisation measure):\nall: %v\n", classifier.Evaluate(classifier.ScoreExamples(rm, rtest)))
	return nil
}

// readExtra reads hand-written training documents. They are all training
// data ("train" split, family "handwritten"); the trainer keeps a share of
// them apart for calibration.
func readExtra(pattern string) ([]classifier.Example, error) {
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	var all []classifier.Example
	for _, p := range paths {
		xs, err := readExtraFile(p)
		if err != nil {
			return nil, err
		}
		all = append(all, xs...)
	}
	return all, nil
}

func readExtraFile(path string) ([]classifier.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var xs []classifier.Example
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var x classifier.Example
		if err := json.Unmarshal(sc.Bytes(), &x); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		if (x.Label != 0 && x.Label != 1) || !x.Kind.Valid() || x.Text == "" {
			return nil, fmt.Errorf("%s line %d: want text, a valid kind and label 0 or 1", path, n)
		}
		x.Split, x.Family = "train", "handwritten"
		xs = append(xs, x)
	}
	return xs, sc.Err()
}

func writeCorpus(path string, xs []classifier.Example) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create corpus: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, x := range xs {
		if err := enc.Encode(x); err != nil {
			f.Close()
			return fmt.Errorf("encode corpus: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write corpus: %w", err)
	}
	return f.Close()
}

// crossValidate estimates, for each setting, how the model does on
// realistic documents it has not seen: k-fold over the hand-written
// documents (the generated corpus is always in training). It never looks
// at the blind set.
func crossValidate(gen, hand []classifier.Example, k int) {
	type setting struct {
		name string
		opt  classifier.TrainOptions
	}
	base := classifier.DefaultTrainOptions
	var grid []setting
	for _, w := range []int{1, 4, 8, 16, 32} {
		for _, l2 := range []float64{1e-5} {
			o := base
			o.HandWeight, o.L2 = w, l2
			grid = append(grid, setting{fmt.Sprintf("handWeight=%d L2=%g", w, l2), o})
		}
	}
	for _, st := range grid {
		var scored []classifier.Scored
		for fold := 0; fold < k; fold++ {
			var train, test []classifier.Example
			for i, x := range hand {
				if i%k == fold {
					test = append(test, x)
				} else {
					train = append(train, x)
				}
			}
			m := classifier.Train(append(append([]classifier.Example(nil), gen...), train...), st.opt)
			scored = append(scored, classifier.ScoreExamples(m, test)...)
		}
		fmt.Printf("%-24s %v\n", st.name, classifier.Evaluate(scored))
	}
}
