package classifier

import (
	"fmt"
	"sort"
	"strings"
)

// Scored is an example label with its score and flag.
type Scored struct {
	Score   float64
	Flagged bool
	Label   int
	Meta    bool
	Group   []string // e.g. "kind=html", "lang=ko"
}

// Metrics summarises a scored set.
type Metrics struct {
	N, Pos, Neg  int
	AUC          float64
	RecallAt1FPR float64 // recall at the score threshold giving at most 1% FPR
	FlagRecall   float64 // recall of Flagged
	FlagFPR      float64 // false-positive rate of Flagged
	MetaFPR      float64 // share of documents about injection that are flagged
	MetaN        int
}

// Evaluate computes ROC AUC, recall at 1% FPR and flag rates.
func Evaluate(xs []Scored) Metrics {
	var m Metrics
	var pos, neg []float64
	metaFlag := 0
	tp, fp := 0, 0
	for _, x := range xs {
		if x.Label == 1 {
			pos = append(pos, x.Score)
			if x.Flagged {
				tp++
			}
		} else {
			neg = append(neg, x.Score)
			if x.Flagged {
				fp++
			}
			if x.Meta {
				m.MetaN++
				if x.Flagged {
					metaFlag++
				}
			}
		}
	}
	m.N, m.Pos, m.Neg = len(xs), len(pos), len(neg)
	if len(pos) > 0 {
		m.FlagRecall = float64(tp) / float64(len(pos))
	}
	if len(neg) > 0 {
		m.FlagFPR = float64(fp) / float64(len(neg))
	}
	if m.MetaN > 0 {
		m.MetaFPR = float64(metaFlag) / float64(m.MetaN)
	}
	if len(pos) == 0 || len(neg) == 0 {
		return m
	}
	sort.Float64s(neg)
	sort.Float64s(pos)
	// AUC by the rank-sum with ties counted as one half.
	var wins float64
	j, k := 0, 0
	for _, p := range pos {
		for j < len(neg) && neg[j] < p {
			j++
		}
		for k < len(neg) && neg[k] <= p {
			k++
		}
		wins += float64(j) + 0.5*float64(k-j)
	}
	m.AUC = wins / float64(len(pos)*len(neg))
	allowed := len(neg) / 100 // negatives allowed above the threshold
	thr := neg[len(neg)-1-allowed]
	hit := 0
	for _, p := range pos {
		if p > thr {
			hit++
		}
	}
	m.RecallAt1FPR = float64(hit) / float64(len(pos))
	return m
}

func (m Metrics) String() string {
	return fmt.Sprintf("n=%d (pos %d, neg %d) AUC=%.4f recall@1%%FPR=%.3f flagged: recall=%.3f FPR=%.3f; about-injection FPR=%.3f (n=%d)",
		m.N, m.Pos, m.Neg, m.AUC, m.RecallAt1FPR, m.FlagRecall, m.FlagFPR, m.MetaFPR, m.MetaN)
}

// Report evaluates xs overall and per group, one line each.
func Report(xs []Scored) string {
	var b strings.Builder
	fmt.Fprintf(&b, "all: %v\n", Evaluate(xs))
	groups := map[string][]Scored{}
	for _, x := range xs {
		for _, g := range x.Group {
			groups[g] = append(groups[g], x)
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %v\n", k, Evaluate(groups[k]))
	}
	return b.String()
}

// ScoreExamples scans every example with m (the embedded model if nil).
func ScoreExamples(m *Model, xs []Example) []Scored {
	out := make([]Scored, 0, len(xs))
	for _, ex := range xs {
		var v Verdict
		if m != nil {
			v = m.Scan(ex.Text, ex.Kind)
		} else {
			v = Scan(ex.Text, ex.Kind)
		}
		out = append(out, Scored{Score: v.Score, Flagged: v.Flagged, Label: ex.Label, Meta: ex.Meta,
			Group: []string{"kind=" + string(ex.Kind), "lang=" + ex.Lang, "carrier=" + ex.Carrier}})
	}
	return out
}
