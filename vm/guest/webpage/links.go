package webpage

import (
	"net/url"
	"strconv"
	"strings"
)

// Link limits.
const (
	maxURL      = 4096 // longer URLs are dropped
	maxLinkText = 200  // runes of Link.Text
)

// resolveURL resolves ref against base and returns it when it is an
// absolute http, https or mailto URL, else "". Like browsers, it drops
// tabs and newlines inside the reference first, so "java\nscript:" is
// still javascript: (and dropped).
func resolveURL(base *url.URL, ref string) string {
	ref = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimFunc(ref, func(r rune) bool { return r <= ' ' }))
	if ref == "" || len(ref) > maxURL {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
	case "mailto":
	default:
		return ""
	}
	s := u.String()
	if len(s) > maxURL {
		return ""
	}
	return s
}

// linker numbers links and images, each URL once.
type linker struct {
	byURL   map[string]int
	links   []Link
	dropped int
}

// number returns the number of url, assigning the next one (with text)
// the first time, or 0 when MaxLinks are already numbered.
func (l *linker) number(u, text string) int {
	if n, ok := l.byURL[u]; ok {
		return n
	}
	if len(l.links) >= MaxLinks {
		l.dropped++
		return 0
	}
	if l.byURL == nil {
		l.byURL = map[string]int{}
	}
	n := len(l.links) + 1
	l.byURL[u] = n
	l.links = append(l.links, Link{N: n, Text: cutRunes(collapse(text), maxLinkText), URL: u})
	return n
}

// References renders links as Markdown reference definitions, one a line
// ("[3]: https://example.com/ "Example""), which turn the [text][N] of
// Page.Markdown into real links when appended to it.
func References(links []Link) string {
	var b strings.Builder
	for _, l := range links {
		b.WriteString("[" + strconv.Itoa(l.N) + "]: " + l.URL)
		if l.Text != "" {
			b.WriteString(` "` + strings.ReplaceAll(l.Text, `"`, `\"`) + `"`)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// FilterLinks returns the links whose text or URL contains substr,
// ignoring case; all of them when substr is empty. links is not modified.
func FilterLinks(links []Link, substr string) []Link {
	var out []Link
	q := foldString(substr)
	for _, l := range links {
		if strings.Contains(foldString(l.Text), q) || strings.Contains(foldString(l.URL), q) {
			out = append(out, l)
		}
	}
	return out
}
