package webpage

import (
	"fmt"
	"testing"

	"golang.org/x/net/html"
)

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
