package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/airlock-dev/airlock/classifier"
)

// evalItem is one labelled line of an evaluation file. The corpus in
// classifier/testdata carries lang, carrier, split and meta; other files
// may carry a group "LANG/CARRIER" instead (carrier "about-injection"
// marks a document about prompt injection).
type evalItem struct {
	Text    string `json:"text"`
	Label   *int   `json:"label"` // 1 injection, 0 clean
	Kind    string `json:"kind"`
	Lang    string `json:"lang"`
	Carrier string `json:"carrier"`
	Split   string `json:"split"`
	Meta    bool   `json:"meta"`
	Group   string `json:"group"`
}

// groups returns the slices an item is reported in.
func (it *evalItem) groups() []string {
	lang, carrier := it.Lang, it.Carrier
	if l, c, ok := strings.Cut(it.Group, "/"); ok {
		lang, carrier = cmp(lang, l), cmp(carrier, c)
	} else if it.Group != "" {
		carrier = cmp(carrier, it.Group)
	}
	gs := []string{"kind=" + it.Kind}
	if lang != "" {
		gs = append(gs, "lang="+lang)
	}
	if carrier != "" {
		gs = append(gs, "carrier="+carrier)
	}
	return gs
}

// cmp returns a unless it is empty, else b.
func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cmdClassifyEval scores a labelled JSON-lines file and prints precision,
// recall, F1, FPR, ROC AUC, recall at 1% FPR, the false-positive rate on
// documents about prompt injection, rates per kind, language and carrier,
// and throughput.
func cmdClassifyEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("classify eval", stderr)
	split := fs.String("split", "", `only lines whose "split" is this (the corpus uses "train" and "test")`)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() != 1 {
		return usageError{"classify eval: want one FILE.jsonl with {\"text\",\"label\"} lines"}
	}
	items, err := readEvalFile(fs.Arg(0), *split)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return fmt.Errorf("%s: no items (split %q)", fs.Arg(0), *split)
	}

	scored := make([]classifier.Scored, len(items))
	var bytes int
	start := time.Now()
	for i, it := range items {
		v := classifier.Scan(it.Text, classifier.Kind(it.Kind))
		scored[i] = classifier.Scored{Score: v.Score, Flagged: v.Flagged, Label: *it.Label,
			Meta: it.Meta || strings.HasSuffix(it.Group, "/about-injection"), Group: it.groups()}
		bytes += len(it.Text)
	}
	took := time.Since(start)

	m := classifier.Evaluate(scored)
	tp := int(m.FlagRecall*float64(m.Pos) + 0.5)
	fp := int(m.FlagFPR*float64(m.Neg) + 0.5)
	prec, f1 := 0.0, 0.0
	if tp+fp > 0 {
		prec = float64(tp) / float64(tp+fp)
	}
	if prec+m.FlagRecall > 0 {
		f1 = 2 * prec * m.FlagRecall / (prec + m.FlagRecall)
	}
	fmt.Fprintf(stdout, "items %d (%d injections, %d clean)\n", m.N, m.Pos, m.Neg)
	fmt.Fprintf(stdout, "flagged: precision %.3f  recall %.3f  F1 %.3f  FPR %.3f\n", prec, m.FlagRecall, f1, m.FlagFPR)
	fmt.Fprintf(stdout, "ROC AUC %.4f  recall at 1%% FPR %.3f\n", m.AUC, m.RecallAt1FPR)
	if m.MetaN > 0 {
		fmt.Fprintf(stdout, "documents about prompt injection: FPR %.3f (%d documents)\n", m.MetaFPR, m.MetaN)
	}
	fmt.Fprintf(stdout, "throughput %.1f MB/s (%d bytes in %v, one goroutine)\n", float64(bytes)/took.Seconds()/1e6, bytes, took.Round(time.Millisecond))

	slices := map[string][]classifier.Scored{}
	for _, s := range scored {
		for _, g := range s.Group {
			slices[g] = append(slices[g], s)
		}
	}
	names := make([]string, 0, len(slices))
	for g := range slices {
		names = append(names, g)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nSLICE\tN\tPOS\tRECALL\tNEG\tFPR\tAUC")
	for _, g := range names {
		sm := classifier.Evaluate(slices[g])
		rec, fpr, auc := "-", "-", "-"
		if sm.Pos > 0 {
			rec = fmt.Sprintf("%.3f", sm.FlagRecall)
		}
		if sm.Neg > 0 {
			fpr = fmt.Sprintf("%.3f", sm.FlagFPR)
		}
		if sm.Pos > 0 && sm.Neg > 0 {
			auc = fmt.Sprintf("%.3f", sm.AUC)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%s\t%s\n", g, sm.N, sm.Pos, rec, sm.Neg, fpr, auc)
	}
	return tw.Flush()
}

// readEvalFile reads labelled lines, keeping those of split (all if "").
func readEvalFile(path, split string) ([]*evalItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var items []*evalItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		it := &evalItem{}
		if err := json.Unmarshal(sc.Bytes(), it); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		if it.Label == nil || (*it.Label != 0 && *it.Label != 1) {
			return nil, fmt.Errorf("%s line %d: label must be 0 or 1", path, n)
		}
		if it.Kind == "" {
			it.Kind = string(classifier.Text)
		}
		if !classifier.Kind(it.Kind).Valid() {
			return nil, fmt.Errorf("%s line %d: kind %q: want text, markdown, html, code or json", path, n, it.Kind)
		}
		if split == "" || it.Split == split {
			items = append(items, it)
		}
	}
	return items, sc.Err()
}
