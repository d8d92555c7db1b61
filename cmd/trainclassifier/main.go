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

	"github.com/airlock-dev/airlock/classifier"
)

func main() {
	seed := flag.Int64("seed", 20261126, "corpus and training seed")
	n := flag.Int("n", 4000, "number of corpus documents")
	corpus := flag.String("corpus", "classifier/testdata/corpus.jsonl", "corpus output path")
	out := flag.String("out", "classifier/model.bin", "model output path")
	flag.Parse()
	if err := run(*seed, *n, *corpus, *out); err != nil {
		fmt.Fprintln(os.Stderr, "trainclassifier:", err)
		os.Exit(1)
	}
}

func run(seed int64, n int, corpusPath, outPath string) error {
	xs := classifier.GenerateCorpus(seed, n)
	if err := writeCorpus(corpusPath, xs); err != nil {
		return err
	}
	opt := classifier.DefaultTrainOptions
	m := classifier.Train(xs, opt)
	b, err := m.MarshalBinary()
	if err != nil {
		return fmt.Errorf("encode model: %w", err)
	}
	if err := os.WriteFile(outPath, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	var test []classifier.Example
	for _, x := range xs {
		if x.Split == "test" {
			test = append(test, x)
		}
	}
	fmt.Printf("corpus: %d documents, %d held out by family\n\nHELD-OUT (family split):\n%s\n", len(xs), len(test),
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
