package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/airlock-dev/airlock/classifier"
)

// evalItem is one labelled line of an evaluation file.
type evalItem struct {
	Text  string `json:"text"`
	Label int    `json:"label"` // 1 injection, 0 clean
	Kind  string `json:"kind"`
	Group string `json:"group"` // optional: language, carrier... for per-group rates

	score   float64
	flagged bool
}

// cmdClassifyEval scores a labelled JSON-lines file and prints precision,
// recall, F1, FPR, ROC AUC, recall at 1% FPR, per-kind rates and
// throughput.
func cmdClassifyEval(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return usageError{"classify eval: want one FILE.jsonl with {\"text\",\"label\"} lines"}
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	var items []*evalItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		it := &evalItem{}
		if err := json.Unmarshal(sc.Bytes(), it); err != nil {
			return fmt.Errorf("%s line %d: %w", args[0], n, err)
		}
		if it.Label != 0 && it.Label != 1 {
			return fmt.Errorf("%s line %d: label must be 0 or 1", args[0], n)
		}
		if it.Kind == "" {
			it.Kind = string(classifier.Text)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var bytes int
	start := time.Now()
	for _, it := range items {
		v := classifier.Scan(it.Text, classifier.Kind(it.Kind))
		it.score, it.flagged = v.Score, v.Flagged
		bytes += len(it.Text)
	}
	took := time.Since(start)

	var tp, fp, tn, fn int
	for _, it := range items {
		switch {
		case it.flagged && it.Label == 1:
			tp++
		case it.flagged:
			fp++
		case it.Label == 1:
			fn++
		default:
			tn++
		}
	}
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	prec, rec := ratio(tp, tp+fp), ratio(tp, tp+fn)
	f1 := 0.0
	if prec+rec > 0 {
		f1 = 2 * prec * rec / (prec + rec)
	}
	fmt.Fprintf(stdout, "items %d (%d injections, %d clean)\n", len(items), tp+fn, tn+fp)
	fmt.Fprintf(stdout, "precision %.3f  recall %.3f  F1 %.3f  FPR %.3f\n", prec, rec, f1, ratio(fp, fp+tn))
	fmt.Fprintf(stdout, "ROC AUC %.4f  recall at 1%% FPR %.3f\n", rocAUC(items), recallAtFPR(items, 0.01))
	fmt.Fprintf(stdout, "throughput %.1f MB/s (%d bytes in %v, one goroutine)\n", float64(bytes)/took.Seconds()/1e6, bytes, took.Round(time.Millisecond))

	groups := map[string][]*evalItem{}
	for _, it := range items {
		groups["kind="+it.Kind] = append(groups["kind="+it.Kind], it)
		if it.Group != "" {
			groups["group="+it.Group] = append(groups["group="+it.Group], it)
		}
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nSLICE\tN\tRECALL\tFPR")
	for _, g := range names {
		var p, pf, n, nf int
		for _, it := range groups[g] {
			if it.Label == 1 {
				p++
				if it.flagged {
					pf++
				}
			} else {
				n++
				if it.flagged {
					nf++
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\n", g, len(groups[g]), ratio(pf, p), ratio(nf, n))
	}
	return tw.Flush()
}

// rocAUC is the probability that a random injection scores above a random
// clean text (ties count half).
func rocAUC(items []*evalItem) float64 {
	var pos, neg []float64
	for _, it := range items {
		if it.Label == 1 {
			pos = append(pos, it.score)
		} else {
			neg = append(neg, it.score)
		}
	}
	if len(pos) == 0 || len(neg) == 0 {
		return 0
	}
	sort.Float64s(neg)
	var sum float64
	for _, p := range pos {
		lo := sort.SearchFloat64s(neg, p)                                   // neg < p
		hi := sort.Search(len(neg), func(i int) bool { return neg[i] > p }) // neg <= p
		sum += float64(lo) + float64(hi-lo)/2
	}
	return sum / float64(len(pos)*len(neg))
}

// recallAtFPR is the recall at the lowest threshold whose false positive
// rate does not exceed maxFPR.
func recallAtFPR(items []*evalItem, maxFPR float64) float64 {
	var neg []float64
	var pos []float64
	for _, it := range items {
		if it.Label == 1 {
			pos = append(pos, it.score)
		} else {
			neg = append(neg, it.score)
		}
	}
	if len(pos) == 0 || len(neg) == 0 {
		return 0
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(neg)))
	allowed := int(maxFPR * float64(len(neg))) // negatives that may score above the threshold
	threshold := neg[allowed]                  // scores must be strictly above this
	hit := 0
	for _, p := range pos {
		if p > threshold {
			hit++
		}
	}
	return float64(hit) / float64(len(pos))
}
