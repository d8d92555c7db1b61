package webpage

import (
	"fmt"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	md := "# Title\n\nThe quick brown fox jumps over the lazy dog. The FOX again.\n\nÉCOLE and école\n\n" + strings.Repeat("x", 200) + "needle" + strings.Repeat("y", 200)
	for _, c := range []struct {
		query   string
		context int
		max     int
		want    string
	}{
		{"fox", 6, 0, `3:"…brown fox jumps…" 3:"…. The FOX again…"`},
		{"FOX", 6, 1, `3:"…brown fox jumps…"`},
		{"title", 0, 0, `1:"# Title"`},
		{"école", 3, 0, `5:"ÉCOLE an…" 5:"…nd école"`},
		{"needle", 2, 0, `7:"…xxneedleyy…"`},
		{"needle", 0, 0, `7:"…` + strings.Repeat("x", DefaultFindContext) + "needle" + strings.Repeat("y", DefaultFindContext) + `…"`},
		{"absent", 5, 0, ``},
		{"", 5, 0, ``},
		{"aa", 1, 0, ``},
	} {
		var got []string
		for _, m := range Find(md, c.query, c.context, c.max) {
			got = append(got, fmt.Sprintf("%d:%q", m.Line, m.Text))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("Find(%q, %d, %d) = %s, want %s", c.query, c.context, c.max, strings.Join(got, " "), c.want)
		}
	}
	if got := Find(strings.Repeat("a", 10), "aa", 1, 0); len(got) != 5 {
		t.Errorf("non-overlapping: %d matches", len(got))
	}
	if got := Find(strings.Repeat("ab\n", 5000), "AB", 1, 0); len(got) != DefaultFindMax {
		t.Errorf("default max: %d", len(got))
	}
	if got := Find(strings.Repeat("ab\n", 5000), "ab", 1, 1_000_000); len(got) != maxFindMatches {
		t.Errorf("max cap: %d", len(got))
	}
}
