package webpage

import (
	"fmt"
	"testing"

	"golang.org/x/net/html"
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
	} {
		if got := mediaMatches(q); got != want {
			t.Errorf("mediaMatches(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestSheet(t *testing.T) {
	sh := newSheet()
	sh.add(`
		@charset "utf-8";
		@import url("x.css");
		.a { display: none }
		p.a { display: block }
		#i { display: flex }
		.b, div.c.d { visibility: hidden }
		.imp { display: none !important }
		@media print { .a { display: inline } }
		@media (min-width: 100px) { @supports (display: grid) { .e { display: none } } }
		@font-face { font-family: x; src: url(x.woff) }
		.x:hover, .y .z, [hidden], a > b { display: none }
		.f { opacity: 0; color: #fff }
		.g { content: "}"; display: none }
		* { display: contents }
		broken { display: none
	`)
	el := func(tag, id, class, style string) *html.Node {
		n := &html.Node{Type: html.ElementNode, Data: tag}
		for k, v := range map[string]string{"id": id, "class": class, "style": style} {
			if v != "" {
				n.Attr = append(n.Attr, html.Attribute{Key: k, Val: v})
			}
		}
		return n
	}
	for _, c := range []struct {
		n          *html.Node
		prop, want string
	}{
		{el("span", "", "a", ""), "display", "none"},
		{el("p", "", "a", ""), "display", "block"},
		{el("p", "i", "a", ""), "display", "flex"},
		{el("span", "", "a", "display: grid"), "display", "grid"},
		{el("span", "", "imp", "display: grid"), "display", "none"},
		{el("span", "", "imp", "display: grid !important"), "display", "grid"},
		{el("div", "", "d c", ""), "visibility", "hidden"},
		{el("div", "", "d", ""), "visibility", ""},
		{el("span", "", "b", ""), "visibility", "hidden"},
		{el("span", "", "e", ""), "display", "none"},
		{el("span", "", "x y z", ""), "display", "contents"},
		{el("span", "", "f", ""), "opacity", ""},
		{el("span", "", "f", ""), "color", ""},
		{el("span", "", "g", ""), "display", "none"},
		{el("broken", "", "", ""), "display", "none"},
		{el("span", "", "", "opacity:0; opacity: 1"), "opacity", "1"},
		{el("span", "", "", "opacity:0 !important; opacity: 1"), "opacity", "0"},
	} {
		if got := sh.computed(c.n)[c.prop].val; got != c.want {
			t.Errorf("%s#%s.%s style=%q: %s = %q, want %q", c.n.Data, attr(c.n, "id"), attr(c.n, "class"), attr(c.n, "style"), c.prop, got, c.want)
		}
	}
	if !sh.classes["f"] || !sh.classes["a"] {
		t.Errorf("classes %v", sh.classes)
	}
}

func TestSheetLimits(t *testing.T) {
	sh := newSheet()
	for i := range maxRules + 10 {
		sh.add(fmt.Sprintf(".c%d{display:none}", i))
	}
	if sh.n != maxRules || sh.dropped != 10 {
		t.Errorf("n %d dropped %d", sh.n, sh.dropped)
	}
	sh = newSheet()
	for range maxRulesPerKey + 1 {
		sh.add(".same{display:none}")
	}
	if len(sh.byClass["same"]) != maxRulesPerKey || sh.dropped != 1 {
		t.Errorf("per key: %d, dropped %d", len(sh.byClass["same"]), sh.dropped)
	}
	// Deeply nested at-rules are not followed past maxAtRuleNesting.
	deep := ""
	for range maxAtRuleNesting + 1 {
		deep = "@media screen{" + deep
	}
	sh = newSheet()
	sh.add(deep + ".x{display:none}")
	if sh.n != 0 {
		t.Errorf("nested %d levels: %d rules", maxAtRuleNesting+1, sh.n)
	}
}
