package classifier

import (
	"strings"
	"sync"
)

// Scan inspects content for prompt injection and returns a calibrated score,
// a label and the evidence behind it. It never fails: oversized or odd input
// is scanned in full in linear time.
func Scan(content string, kind Kind) Verdict {
	sc := getScratch()
	defer putScratch(sc)
	fs, text, off, st := collect(content, kind, sc)
	return decide(text, fs, off, st, sc)
}

// scratch holds the buffers of one scan that grow with the input. Scans
// reuse them through a pool, which halves the garbage per scanned byte.
type scratch struct {
	toks  []token
	feats []feature
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxPooledTokens bounds the token buffer kept for reuse, so one huge
// input does not pin its memory.
const maxPooledTokens = 1 << 16

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	if cap(sc.toks) > maxPooledTokens {
		return
	}
	clear(sc.toks) // drop references into the scanned text
	sc.toks = sc.toks[:0]
	sc.feats = sc.feats[:0]
	scratchPool.Put(sc)
}

// collect runs every rule detector. It returns the findings (spans in
// content), the content with invisible characters removed, and the offset
// map from that text back to content (nil if nothing was removed).
func collect(content string, kind Kind, sc *scratch) ([]Finding, string, []int, *instructionStats) {
	inv := findInvisible(content)
	var fs []Finding
	fs = append(fs, inv...)
	// One lower-cased copy serves every detector while the text is the
	// content (no invisible characters were removed).
	lower := asciiLower(content)
	if kind == HTML || kind == Markdown || kind == Text {
		fs = append(fs, findHiddenHTMLLower(content, lower)...)
	}
	text, off := stripInvisible(content, inv)
	if off != nil {
		lower = asciiLower(text)
	}
	st := instructionStats{keep: true, toks: sc.toks[:0]}
	words, wordsLower := text, lower
	if kind == HTML || (kind == Markdown && strings.IndexByte(text, '<') >= 0) {
		words, wordsLower = maskMarkupLower(text, lower)
	}
	for _, f := range ruleFindingsMasked(text, lower, words, wordsLower, &st) {
		if off != nil {
			f.Start, f.End = off[f.Start], off[f.End]
		}
		fs = append(fs, f)
	}
	// Text smuggled in tag characters is scanned as if it were visible.
	for _, f := range inv {
		if t := decodeTags(content[f.Start:f.End]); len(t) > 8 {
			for _, g := range ruleFindings(t, &instructionStats{}) {
				fs = append(fs, Finding{Kind: g.Kind, Start: f.Start, End: f.End, Reason: g.Reason + " (in invisible tag characters)"})
			}
		}
	}
	sortFindings(fs)
	sc.toks = st.toks
	return fs, text, off, &st
}
