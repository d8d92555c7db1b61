package webpage

import (
	"fmt"
	"testing"
)

func TestParseDecls(t *testing.T) {
	got := fmt.Sprint(parseDecls(`Display : NONE ! important; color:red;unknown:x; background: url("a;b.png") #fff; /* opacity: 0 */ ;; width`))
	want := "[{display none true} {color red false} {background url(\"a;b.png\") #fff false}]"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestUnescapeCSS(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:      "plain",
		`n\one`:      "none",
		`\6e one`:    "none",
		`\00006eone`: "none",
		`md\:block`:  "md:block",
		`a\`:         `a\`,
		`\0 x`:       "\uFFFDx",
		`\110000`:    "\uFFFD",
		`\d800`:      "\uFFFD",
		`\é`:         "é",
	} {
		if got := unescapeCSS(in); got != want {
			t.Errorf("unescapeCSS(%q) = %q, want %q", in, got, want)
		}
	}
	if got := stripComments("a/* b */c/* unterminated"); got != "a c" {
		t.Errorf("stripComments = %q", got)
	}
}

func TestCSSLength(t *testing.T) {
	for in, want := range map[string]float64{
		"0": 0, "-9999px": -9999, "1.5em": 24, "-100rem": -1600, "12pt": 16, "1in": 96,
		"50%": 640, "10vh": 80, " 3px ": 3, "+2px": 2,
	} {
		if got, ok := cssLength(in); !ok || got != want {
			t.Errorf("cssLength(%q) = %v, %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "auto", "calc(1px)", "px", "1fr", "--1px"} {
		if got, ok := cssLength(in); ok {
			t.Errorf("cssLength(%q) = %v, want not ok", in, got)
		}
	}
}

func TestMediaMatches(t *testing.T) {
	for q, want := range map[string]bool{
		"screen": true, "all": true, "print": false, "only screen": true, "not print": true,
		"screen and (min-width: 768px)":                true,
		"screen and (min-width: 1400px)":               false,
		"(max-width: 600px)":                           false,
		"(max-width: 2000px)":                          true,
		"(min-width: 48em)":                            true,
		"print, (min-width: 100px)":                    true,
		"(width >= 48rem)":                             true,
		"(width < 640px)":                              false,
		"(400px <= width)":                             true,
		"(min-height: 1000px)":                         false,
		"(prefers-color-scheme: dark)":                 false,
		"(prefers-color-scheme: light)":                true,
		"(orientation: portrait)":                      false,
		"(hover: none)":                                false,
		"(prefers-reduced-motion: reduce)":             true,
		"screen and (min-width: 0) and (max-width: 1)": false,
		"(":                  true,
		"(min-width: 2000px": false,
		"not":                true,
		"screen and":         true,
	} {
		if got := mediaMatches(q); got != want {
			t.Errorf("mediaMatches(%q) = %v, want %v", q, got, want)
		}
	}
}
