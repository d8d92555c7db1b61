package webpage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Find defaults and limits.
const (
	// DefaultFindContext is the context of Find when none is given, in
	// runes each side of a match.
	DefaultFindContext = 80
	// DefaultFindMax is the number of matches Find returns when no max
	// is given.
	DefaultFindMax = 20
	maxFindContext = 1000
	maxFindMatches = 1000
)

// Match is one occurrence Find found.
type Match struct {
	// Line is the 1-based line of markdown the match is on (a Markdown
	// paragraph is one line).
	Line int
	// Text is the match with up to context runes of its line each side,
	// "…" marking where the line goes on.
	Text string
}

// Find returns the occurrences of query in markdown, ignoring case, in
// order, at most max of them (DefaultFindMax when max <= 0, never more
// than 1000), each with context runes of its line either side
// (DefaultFindContext when context <= 0, at most 1000). Occurrences do
// not overlap; an empty query finds nothing. Work is linear in
// len(markdown) plus the output.
func Find(markdown, query string, context, max int) []Match {
	if context <= 0 {
		context = DefaultFindContext
	}
	if max <= 0 {
		max = DefaultFindMax
	}
	context, max = min(context, maxFindContext), min(max, maxFindMatches)
	q := foldString(query)
	if q == "" {
		return nil
	}
	qRunes := utf8.RuneCountInString(q)
	var out []Match
	line := 0
	for l := range strings.Lines(markdown) {
		line++
		l = strings.TrimRight(l, "\n")
		fl := foldString(l)
		if !strings.Contains(fl, q) {
			continue
		}
		runes := []rune(l) // as many as fl has: folding maps rune to rune
		from, counted, at := 0, 0, 0
		for {
			i := strings.Index(fl[from:], q)
			if i < 0 {
				break
			}
			start := from + i
			at += utf8.RuneCountInString(fl[counted:start])
			counted = start
			a, b := at-min(at, context), min(len(runes), at+qRunes+context)
			text := string(runes[a:b])
			if a > 0 {
				text = "…" + text
			}
			if b < len(runes) {
				text += "…"
			}
			out = append(out, Match{Line: line, Text: text})
			if len(out) == max {
				return out
			}
			from = start + len(q)
		}
	}
	return out
}

// foldString maps each rune of s to its lower-case fold, so that
// case-insensitive comparison is strings.Contains on folded strings. The
// result has as many runes as s.
func foldString(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return r
		}
		return unicode.ToLower(unicode.ToUpper(r))
	}, s)
}
