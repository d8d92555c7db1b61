package classifier

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// invisibleClass classifies a rune that can hide text from a human reader.
type invisibleClass int

const (
	notInvisible invisibleClass = iota
	tagChar
	zeroWidth
	joiner // ZWJ or ZWNJ, legitimate inside words of some scripts
	bidiControl
	variationSelector
)

func classifyInvisible(r rune) invisibleClass {
	switch {
	case r >= 0xE0000 && r <= 0xE007F:
		return tagChar
	case r == 0x200C || r == 0x200D:
		return joiner
	case r == 0x200B || r == 0x2060 || r == 0xFEFF || r == 0x180E ||
		(r >= 0x2061 && r <= 0x2064) || r == 0x034F || r == 0x115F ||
		r == 0x1160 || r == 0x3164 || r == 0xFFA0:
		return zeroWidth
	case (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069):
		return bidiControl
	case (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF):
		return variationSelector
	}
	return notInvisible
}

// needsJoiner reports whether r belongs to a script or symbol class in which
// ZWJ and ZWNJ legitimately shape text (Arabic, Indic scripts, emoji...).
func needsJoiner(r rune) bool {
	if r < 0x0590 {
		return false
	}
	if unicode.IsLetter(r) || unicode.IsMark(r) {
		return true
	}
	// Emoji and pictographs joined into sequences.
	return unicode.Is(unicode.So, r) || (r >= 0x1F000 && r <= 0x1FAFF)
}

// invisibleSpan is a run of invisible characters in the original content.
type invisibleSpan struct {
	start, end int
	tags       strings.Builder // ASCII decoded from tag characters
	hasTags    bool
	kinds      [6]int
}

// findInvisible returns the runs of invisible characters that should be
// removed. It runs in linear time.
func findInvisible(s string) []Finding {
	var out []Finding
	var cur *invisibleSpan
	flush := func() {
		if cur == nil {
			return
		}
		out = append(out, Finding{Kind: KindInvisible, Start: cur.start, End: cur.end, Reason: describeInvisible(cur)})
		cur = nil
	}
	prev := rune(-1)
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			prev = rune(s[i])
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		c := classifyInvisible(r)
		remove := false
		switch c {
		case tagChar, zeroWidth, bidiControl:
			remove = !(r == 0xFEFF && i == 0) // a leading BOM is harmless
		case joiner:
			next, _ := utf8.DecodeRuneInString(s[i+n:])
			remove = !(needsJoiner(prev) && needsJoiner(next))
		case variationSelector:
			next, _ := utf8.DecodeRuneInString(s[i+n:])
			run := classifyInvisible(next) == variationSelector ||
				(cur != nil && cur.end == i && cur.kinds[variationSelector] > 0)
			supp := r >= 0xE0100 && !unicode.Is(unicode.Han, prev)
			remove = run || supp || prev < 0 || unicode.IsSpace(prev)
		}
		if remove {
			if cur == nil || cur.end != i {
				flush()
				cur = &invisibleSpan{start: i}
			}
			cur.end = i + n
			cur.kinds[c]++
			if c == tagChar {
				if t := r - 0xE0000; t >= 0x20 && t < 0x7F {
					cur.tags.WriteRune(t)
					cur.hasTags = true
				}
			}
		} else if c == notInvisible {
			prev = r
		}
		i += n
	}
	flush()
	return out
}

func describeInvisible(sp *invisibleSpan) string {
	names := [...]string{"", "tag characters", "zero-width characters", "misplaced ZWJ/ZWNJ", "bidi controls", "variation-selector run"}
	var parts []string
	for k, n := range sp.kinds {
		if n > 0 {
			parts = append(parts, names[k])
		}
	}
	r := "invisible " + strings.Join(parts, ", ")
	if sp.hasTags {
		t := sp.tags.String()
		if len(t) > 200 {
			t = t[:200]
		}
		r += "; tag characters decode to " + quoteShort(t)
	}
	return r
}

// decodeTags returns the ASCII text smuggled in Unicode tag characters
// within s[start:end].
func decodeTags(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xE0020 && r < 0xE007F {
			b.WriteRune(r - 0xE0000)
		}
	}
	return b.String()
}

func quoteShort(s string) string {
	if len(s) > 120 {
		cut := 120
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return "\"" + s + "\""
}
