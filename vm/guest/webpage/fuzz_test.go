package webpage

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics and keeps its promises on any
// input: bounded, valid UTF-8, well-numbered links with safe schemes,
// deterministic output, and nothing visible from an element hidden with
// display:none or from a comment, whatever they contain.
func FuzzParse(f *testing.F) {
	article, err := os.ReadFile("testdata/article.html")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(article),
		`<div style="display:none">x</div><!-- c --><p>a <a href="/b">b</a> <img src=x alt=y></p>`,
		`<style>.x{display:none} @media (min-width:1px){#y{visibility:hidden}}</style><p class=x>a</p><p id=y>b</p>`,
		`<table><tr><td colspan=99>a<td>b</table><pre>` + "```" + `</pre><ol start=-5><li>x<ul><li>y`,
		strings.Repeat("<div>", 600) + "deep" + strings.Repeat("<blockquote>", 20),
		"<meta charset=windows-1252><p>\x93q\x94</p>",
		`{"a":[1,{"b":null}]}`,
		"\xFF\xFEh\x00i\x00",
		"<style>@media (min-width:1px{.a{display:none}} @media not print{#b{clip:rect(0,0,0,0)}} .c{background:url(x) #000}</style><p class=a style='color:hsl(0 0% 100%)'>x</p>",
		"<p>\U000E0041 tag\u200b</p><h1>#<a href=#x>¶</a></h1><b><i><s>x</s></i></b>",
	} {
		f.Add([]byte(seed), "text/html", false)
	}
	f.Add([]byte(`{"a":[1,2]}`), "application/json", false)
	f.Add([]byte("plain"), "text/plain; charset=latin1", true)
	f.Add([]byte("<p>x</p>"), "", true)

	f.Fuzz(func(t *testing.T, data []byte, ct string, raw bool) {
		opt := Options{MaxOutput: 4096, Raw: raw}
		p, err := Parse(data, ct, testBase, opt)
		if err != nil {
			return
		}
		check(t, p, opt)
		p2, _ := Parse(data, ct, testBase, opt)
		if dump(p) != dump(p2) {
			t.Fatal("not deterministic")
		}

		// Nothing inside display:none or a comment may show, whatever
		// the text (without '<' it cannot leave the element, without '>'
		// the comment).
		inner := bytes.ReplaceAll(data, []byte("<"), nil)
		for _, page := range [][]byte{
			append(append([]byte(`<p>v</p><div style="display:none">`), inner...), "</div>"...),
			append(append([]byte(`<p>v</p><!--`), bytes.ReplaceAll(inner, []byte(">"), nil)...), "-->"...),
		} {
			p, err := Parse(page, "text/html; charset=utf-8", testBase, opt)
			if err != nil {
				t.Fatal(err)
			}
			check(t, p, opt)
			if p.Markdown != "v" {
				t.Fatalf("hidden text shown: %q", p.Markdown)
			}
		}
	})
}

// check asserts the invariants of a Page.
func check(t *testing.T, p *Page, opt Options) {
	t.Helper()
	if len(p.Markdown) > opt.MaxOutput {
		t.Fatalf("Markdown %d bytes > %d", len(p.Markdown), opt.MaxOutput)
	}
	strs := []string{p.Markdown, p.Title, p.Lang}
	for k, v := range p.Meta {
		strs = append(strs, k, v)
	}
	for i, l := range p.Links {
		if l.N != i+1 {
			t.Fatalf("link %d numbered %d", i, l.N)
		}
		if !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "http://") && !strings.HasPrefix(l.URL, "mailto:") {
			t.Fatalf("link URL %q", l.URL)
		}
		strs = append(strs, l.Text, l.URL)
	}
	if len(p.Hidden) > MaxHidden {
		t.Fatalf("%d hidden records", len(p.Hidden))
	}
	for _, h := range p.Hidden {
		if h.Text == "" || utf8.RuneCountInString(h.Text) > MaxHiddenText+1 {
			t.Fatalf("hidden text of %d runes", utf8.RuneCountInString(h.Text))
		}
		strs = append(strs, h.Reason, h.Text)
	}
	for _, s := range append(strs, p.Notes...) {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8: %q", s)
		}
	}
}

// FuzzStyle drives the CSS, colour and media-query parsers directly,
// which FuzzParse reaches only slowly.
func FuzzStyle(f *testing.F) {
	for _, s := range []string{
		`.a{display:none} @media (min-width: 1px) { #b { visibility: hidden } } p.c.d, * { clip: rect(0 0 0 0) }`,
		`@media (width >= 48rem){.md\:block{display:block}} .x{background:url("}") #fff}`,
		`display:none!important; color: hsl(120deg 100% 25% / .5); background: rgb(1 2 3)`,
		`@import "x"; @media print { .a { display: none } } .b { content: "{" }`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, css string) {
		sh := newSheet()
		sh.add(css)
		n := element(0)
		n.Data = "div"
		n.Attr = append(n.Attr, htmlAttr("class", "a b c d md:block x"), htmlAttr("id", "b"), htmlAttr("style", css))
		st := sh.computed(n)
		hiddenReason(n, st, paint{})
		geometryReason(func(p string) string { return st[p].val })
		mediaMatches(css)
		parseColour(css)
		backgroundColour(css)
		cssLength(css)
		if !utf8.ValidString(css) {
			return
		}
		for _, d := range parseDecls(css) {
			if !utf8.ValidString(d.prop) {
				t.Fatalf("property %q", d.prop)
			}
		}
	})
}
