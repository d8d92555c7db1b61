package approvals

import (
	"strings"
	"testing"
	"unicode"
)

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain/path.txt", `"plain/path.txt"`},
		{"café/日本語/ünï", `"café/日本語/ünï"`},
		{"a\nb\rc\td", `"a\nb\rc\td"`},
		{`back\slash "quote"`, `"back\\slash \"quote\""`},
		{"\x1b[31mred\x1b[0m", `"\x1b[31mred\x1b[0m"`},
		{"\x00\x07\x7f", `"\x00\x07\x7f"`},
		{"\u0085\u009b", `"\u0085\u009b"`},
		{"evil\u202etxt.exe", `"evil\u202etxt.exe"`},
		{"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c", `"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"`},
		{"zero\u200bwidth\u200c\u200d\u2060\ufeff", `"zero\u200bwidth\u200c\u200d\u2060\ufeff"`},
		{"soft\u00adhyphen", `"soft\u00adhyphen"`},
		{"nb\u00a0sp\u3000\u2003", `"nb\u00a0sp\u3000\u2003"`},
		{"line\u2028para\u2029", `"line\u2028para\u2029"`},
		{"tag\U000e0041", `"tag\U000e0041"`},
		{"priv\ue000", `"priv\ue000"`},
		{"hangul\u3164filler\u115f", `"hangul\u3164filler\u115f"`},
		{"braille\u2800blank", `"braille\u2800blank"`},
		{"bad\xffutf8\xc3", `"bad\xffutf8\xc3"`},
		{"\u0301leading mark", `"\u0301leading mark"`},
		{"e\u0301 ok", "\"e\u0301 ok\""}, // NFD é, as on macOS
		{"a \u0301", `"a \u0301"`},
		{"z\u0301\u0302\u0303\u0304\u0305\u0306", "\"z\u0301\u0302\u0303\u0304\\u0305\\u0306\""},
		{"✅ done", `"✅ done"`},
		{"", `""`},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestEscapeKeepsFraming(t *testing.T) {
	if got, want := escape("x := \"a\\n\"\tok\nnext"), "x := \"a\\n\"\tok\\nnext"; got != want {
		t.Errorf("escape = %q, want %q", got, want)
	}
}

// TestEscapeOutputIsSafe checks every code point up to U+3000 and the
// supplementary planes' samples: the output never contains a character
// that is not plainly visible.
func TestEscapeOutputIsSafe(t *testing.T) {
	var b strings.Builder
	for r := rune(0); r < 0x3100; r++ {
		b.WriteRune(r)
	}
	for _, r := range []rune{0xe0001, 0xe007f, 0xf0000, 0x10fffd, 0x1f600} {
		b.WriteRune(r)
	}
	out := quote(b.String())
	for _, r := range out {
		if r == ' ' || unicode.Is(unicode.M, r) {
			continue
		}
		if !unicode.IsPrint(r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) || r == '\u2800' {
			t.Errorf("output contains %U", r)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
		cut  int
	}{
		{"hello", 10, "hello", 0},
		{"hello", 3, "hel", 2},
		{"日本語", 4, "日", 6},
		{"日本語", 3, "日", 6},
		{"\x80\x80\x80\x80\x80", 4, "\x80", 4},
	}
	for _, tt := range tests {
		got, cut := truncate(tt.in, tt.max)
		if got != tt.want || cut != tt.cut {
			t.Errorf("truncate(%q, %d) = %q, %d; want %q, %d", tt.in, tt.max, got, cut, tt.want, tt.cut)
		}
	}
}
