package classifier

import (
	"sort"
	"strings"
)

// Kind names the format of scanned content.
type Kind string

// Content kinds understood by Scan and Sanitize.
const (
	Text     Kind = "text"
	Markdown Kind = "markdown"
	HTML     Kind = "html"
	Code     Kind = "code"
	JSON     Kind = "json"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case Text, Markdown, HTML, Code, JSON:
		return true
	}
	return false
}

// Finding kinds.
const (
	KindInvisible     = "invisible-unicode"
	KindHiddenHTML    = "hidden-html"
	KindEncoded       = "encoded-payload"
	KindChatTemplate  = "chat-template"
	KindToolImitation = "tool-call-imitation"
	KindExfilLink     = "exfil-link"
	KindAIInstruction = "ai-instruction"
	KindModel         = "model"
)

// Finding is one piece of evidence, located by a byte span in the original
// content.
type Finding struct {
	Kind       string
	Start, End int
	Reason     string
}

// Verdict is the result of Scan.
type Verdict struct {
	Score    float64 // calibrated probability-like score in [0, 1]
	Label    string  // "clean", "suspicious" or "injection"
	Flagged  bool    // Score at or above the operating threshold
	Findings []Finding
}

// Sanitize removes invisible Unicode used to smuggle text and, for HTML,
// elements and comments that a browser would not show. It returns the
// cleaned content and a finding for every removed span.
func Sanitize(content string, kind Kind) (clean string, removed []Finding) {
	removed = findInvisible(content)
	if kind == HTML || (kind == Markdown && strings.Contains(content, "<")) {
		removed = append(removed, findHiddenHTML(content)...)
	}
	if len(removed) == 0 {
		return content, nil
	}
	clean = replaceSpans(content, mergeSpans(removed), func([2]int) string { return "" })
	sortFindings(removed)
	return clean, removed
}

// replaceSpans returns s with each of the sorted, disjoint spans replaced
// by what with returns for it.
func replaceSpans(s string, spans [][2]int, with func(span [2]int) string) string {
	var b strings.Builder
	b.Grow(len(s))
	pos := 0
	for _, sp := range spans {
		b.WriteString(s[pos:sp[0]])
		b.WriteString(with(sp))
		pos = sp[1]
	}
	b.WriteString(s[pos:])
	return b.String()
}

// mergeSpans returns the union of the findings' spans as sorted, disjoint
// [start, end) pairs.
func mergeSpans(fs []Finding) [][2]int {
	spans := make([][2]int, 0, len(fs))
	for _, f := range fs {
		spans = append(spans, [2]int{f.Start, f.End})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	out := spans[:0]
	for _, sp := range spans {
		if n := len(out); n > 0 && sp[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], sp[1])
			continue
		}
		out = append(out, sp)
	}
	return out
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].Kind < fs[j].Kind
	})
}

// stripInvisible removes the given invisible spans and returns the result
// with a map from each output byte to its offset in s (plus one final entry
// for the end).
func stripInvisible(s string, inv []Finding) (string, []int) {
	if len(inv) == 0 {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	off := make([]int, 0, len(s)+1)
	pos := 0
	for _, f := range inv {
		b.WriteString(s[pos:f.Start])
		for k := pos; k < f.Start; k++ {
			off = append(off, k)
		}
		pos = f.End
	}
	b.WriteString(s[pos:])
	for k := pos; k < len(s); k++ {
		off = append(off, k)
	}
	off = append(off, len(s))
	return b.String(), off
}
