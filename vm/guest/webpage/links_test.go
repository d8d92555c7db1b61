package webpage

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestResolveURL(t *testing.T) {
	for ref, want := range map[string]string{
		"/a":                              "https://example.com/a",
		"b?x=1#f":                         "https://example.com/blog/b?x=1#f",
		"#top":                            "https://example.com/blog/post.html#top",
		"//cdn.example/x":                 "https://cdn.example/x",
		"  http://x.example/  ":           "http://x.example/",
		"HTTPS://X.example/":              "https://X.example/",
		"mailto:a@example.com":            "mailto:a@example.com",
		"javascript:alert(1)":             "",
		"JavaScript:alert(1)":             "",
		" java\tscript:alert(1)":          "",
		"data:text/html,<b>x</b>":         "",
		"vbscript:x":                      "",
		"file:///etc/passwd":              "",
		"ftp://x.example/":                "",
		"http://":                         "",
		"":                                "",
		"http://[::1":                     "",
		"/" + strings.Repeat("a", maxURL): "",
	} {
		if got := resolveURL(testBase, ref); got != want {
			t.Errorf("resolveURL(%q) = %q, want %q", ref, got, want)
		}
	}
	if got := resolveURL(nil, "/a"); got != "" {
		t.Errorf("relative without base = %q", got)
	}
	if got := resolveURL(nil, "https://x.example/a"); got != "https://x.example/a" {
		t.Errorf("absolute without base = %q", got)
	}
}

func TestLinker(t *testing.T) {
	var l linker
	if l.number("u1", "  one \n") != 1 || l.number("u2", "two") != 2 || l.number("u1", "again") != 1 {
		t.Fatal("numbering")
	}
	if want := []Link{{1, "one", "u1"}, {2, "two", "u2"}}; !slices.Equal(l.links, want) {
		t.Errorf("links %v", l.links)
	}
	for i := range MaxLinks {
		l.number(fmt.Sprint(i), "")
	}
	if len(l.links) != MaxLinks || l.dropped != 2 || l.number("new", "") != 0 {
		t.Errorf("limit: %d links, %d dropped", len(l.links), l.dropped)
	}
	long := l.links[0]
	var l2 linker
	l2.number("u", strings.Repeat("é", 300))
	if n := len([]rune(l2.links[0].Text)); n != maxLinkText+1 {
		t.Errorf("text %d runes (%v)", n, long)
	}
}

func TestFilterLinks(t *testing.T) {
	links := []Link{
		{1, "Go Blog", "https://go.dev/blog"},
		{2, "Docs", "https://example.com/DOCS/"},
		{3, "Straße", "https://example.com/strasse"},
	}
	for q, want := range map[string][]int{
		"":        {1, 2, 3},
		"blog":    {1},
		"docs":    {2},
		"GO.DEV":  {1},
		"STRASSE": {3},
		"STRAßE":  {3},
		"nothing": nil,
	} {
		var got []int
		for _, l := range FilterLinks(links, q) {
			got = append(got, l.N)
		}
		if !slices.Equal(got, want) {
			t.Errorf("FilterLinks(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestReferences(t *testing.T) {
	got := References([]Link{{1, `a "b"`, "https://a.example/"}, {2, "", "https://b.example/"}})
	want := "[1]: https://a.example/ \"a \\\"b\\\"\"\n[2]: https://b.example/\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
