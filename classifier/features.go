package classifier

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// The model sees hashed word unigrams and bigrams, character n-grams inside
// words (4-grams; bigrams for CJK runs) and a few dense features derived
// from the rule detectors.
const (
	hashBits  = 18
	hashSize  = 1 << hashBits
	windowLen = 2048 // bytes of text per model window
)

// Dense feature indices follow the hashed buckets.
const (
	denseInvisible = hashSize + iota
	denseHidden
	denseEncoded
	denseTemplate
	denseTool
	denseExfil
	denseInstr
	denseMaxPoints
	denseAddressed
	denseMetaWindows
	denseMetaCues
	denseMetaRatio
	denseBias
	numFeatures
)

var denseNames = map[int]string{denseInvisible: "invisible-unicode", denseHidden: "hidden-html", denseEncoded: "encoded-payload",
	denseTemplate: "chat-template", denseTool: "tool-call-imitation", denseExfil: "exfil-link", denseInstr: "ai-instruction windows",
	denseMaxPoints: "instruction cue categories", denseAddressed: "addresses an AI", denseMetaWindows: "discussion of attacks",
	denseMetaCues: "security vocabulary", denseMetaRatio: "share of instructions in attack discussion", denseBias: "bias"}

// feature is one (index, value) pair of a sparse vector.
type feature struct {
	idx int32
	val float32
}

func fnv(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

const fnvOffset = 2166136261

func bucket(h uint32) int32 { return int32((h ^ h>>15) * 2654435761 >> (32 - hashBits)) }

// hashedFeatures appends hashed n-gram features of text, L2-normalised.
func hashedFeatures(text string, out []feature) []feature {
	var toks []token
	tokenize(text, func(t token) { toks = append(toks, t) })
	return hashTokens(toks, out)
}

// hashTokens appends hashed n-gram features of toks, L2-normalised.
func hashTokens(toks []token, out []feature) []feature {
	start := len(out)
	prev := uint32(0)
	for _, t := range toks {
		h := fnv(fnvOffset^1, t.text)
		out = append(out, feature{bucket(h), 1})
		if prev != 0 {
			out = append(out, feature{bucket(h*31 + prev), 1})
		}
		prev = h | 1
		if t.cjk {
			for i := 0; i < len(t.text); {
				_, n := utf8.DecodeRuneInString(t.text[i:])
				j := i + n
				if j >= len(t.text) {
					break
				}
				_, n2 := utf8.DecodeRuneInString(t.text[j:])
				out = append(out, feature{bucket(fnv(fnvOffset^2, t.text[i:j+n2])), 1})
				i = j
			}
			continue
		}
		if len(t.text) > 4 && len(t.text) <= 24 {
			for i := 0; i+4 <= len(t.text); i++ {
				out = append(out, feature{bucket(fnv(fnvOffset^3, t.text[i:i+4])), 0.5})
			}
		}
	}
	n := len(out) - start
	if n > 0 {
		scale := float32(1 / math.Sqrt(float64(n)))
		for i := start; i < len(out); i++ {
			out[i].val *= scale
		}
	}
	return out
}

// evidence is the rule-derived part of the feature vector.
type evidence struct {
	counts [numFeatures - hashSize]float32
}

func (e *evidence) features(out []feature) []feature {
	for k, v := range e.counts {
		if v != 0 {
			out = append(out, feature{int32(hashSize + k), v})
		}
	}
	return out
}

func collectEvidence(fs []Finding, st *instructionStats) evidence {
	var e evidence
	set := func(i int, v float64) { e.counts[i-hashSize] = float32(v) }
	n := map[string]int{}
	for _, f := range fs {
		n[f.Kind]++
	}
	l := func(k string) float64 { return math.Log1p(float64(n[k])) }
	set(denseInvisible, l(KindInvisible))
	// Hiding is common and harmless (menus, dialogs, screen-reader
	// text); hiding an instruction is not. Count hidden spans that hold
	// instruction-like evidence.
	set(denseHidden, math.Log1p(float64(hiddenInstructions(fs))))
	set(denseEncoded, l(KindEncoded))
	set(denseTemplate, l(KindChatTemplate))
	set(denseTool, l(KindToolImitation))
	set(denseExfil, l(KindExfilLink))
	set(denseInstr, math.Log1p(float64(st.windows)))
	set(denseMaxPoints, float64(st.maxPoints)/3)
	if st.addressed {
		set(denseAddressed, 1)
	}
	set(denseMetaWindows, math.Log1p(float64(st.metaWindows)))
	if st.windows > 0 {
		set(denseMetaRatio, float64(st.metaWindows)/float64(st.windows))
	}
	set(denseMetaCues, math.Log1p(float64(st.metaCues)))
	set(denseBias, 1)
	return e
}

// windows splits text into pieces of about windowLen bytes, cut at
// whitespace, overlapping by a quarter so no sentence is lost at a cut.
func windows(text string) [][2]int {
	if len(text) <= windowLen {
		return [][2]int{{0, len(text)}}
	}
	var out [][2]int
	for start := 0; start < len(text); {
		end := min(len(text), start+windowLen)
		if end < len(text) {
			if k := strings.LastIndexAny(text[start+windowLen/2:end], " \n\t"); k >= 0 {
				end = start + windowLen/2 + k
			}
		}
		out = append(out, [2]int{start, end})
		if end == len(text) {
			break
		}
		next := end - windowLen/4
		for next > start && next < len(text) && !utf8.RuneStart(text[next]) {
			next++
		}
		if next <= start {
			next = end
		}
		start = next
	}
	return out
}

// tokensIn returns the tokens of toks (sorted by start) lying within
// [a, b).
func tokensIn(toks []token, a, b int) []token {
	i := sort.Search(len(toks), func(k int) bool { return toks[k].start >= a })
	j := i
	for j < len(toks) && toks[j].end <= b {
		j++
	}
	return toks[i:j]
}

// hiddenInstructions counts the hidden-HTML and invisible-text findings
// that overlap a finding of instruction-like evidence.
func hiddenInstructions(fs []Finding) int {
	n := 0
	for _, h := range fs {
		if h.Kind != KindHiddenHTML && h.Kind != KindInvisible {
			continue
		}
		for _, f := range fs {
			if instructionLike[f.Kind] && f.Start < h.End && h.Start < f.End {
				n++
				break
			}
		}
	}
	return n
}

// instructionLike are the finding kinds that carry an instruction.
var instructionLike = map[string]bool{
	KindAIInstruction: true, KindChatTemplate: true, KindToolImitation: true, KindExfilLink: true, KindEncoded: true,
}
