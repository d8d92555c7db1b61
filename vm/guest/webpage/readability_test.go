package webpage

import (
	"slices"
	"strings"
	"testing"
)

// para returns a paragraph of n sentences with commas, for scoring.
func para(word string, n int) string {
	return "<p>" + strings.Repeat(word+" is here, and it says something, at length. ", n) + "</p>"
}

func TestMainContent(t *testing.T) {
	for _, c := range []struct {
		name, html, how string
		want, not       []string
	}{
		{
			name: "main element",
			html: `<div class="top">` + para("top", 1) + `</div><main>` + para("MAIN", 4) + `</main><div>` + para("after", 1) + `</div>`,
			how:  "<main>", want: []string{"MAIN"}, not: []string{"top", "after"},
		},
		{
			name: "role main",
			html: `<div>` + para("other", 1) + `</div><div role="main">` + para("MAIN", 4) + `</div>`,
			how:  "<div>", want: []string{"MAIN"}, not: []string{"other"},
		},
		{
			name: "single article inside main",
			html: `<main><div class="intro">` + para("intro", 1) + `</div><article>` + para("ART", 6) + `</article></main>`,
			how:  "<article>", want: []string{"ART"}, not: []string{"intro"},
		},
		{
			name: "small article: main wins",
			html: `<main>` + para("MAIN", 10) + `<article>` + para("ART", 4) + `</article></main>`,
			how:  "<main>", want: []string{"MAIN", "ART"},
		},
		{
			name: "listing of articles: main",
			html: `<main><article>` + para("one", 4) + `</article><article>` + para("two", 4) + `</article></main>`,
			how:  "<main>", want: []string{"one", "two"},
		},
		{
			name: "nested comment articles do not count",
			html: `<article>` + para("ART", 6) + `<article>` + para("reply", 4) + `</article></article>`,
			how:  "<article>", want: []string{"ART", "reply"},
		},
		{
			name: "empty main is skipped",
			html: `<main></main><div class="content">` + para("BODY", 5) + `</div>` + `<div class="links">` + strings.Repeat(`<a href="/x">a link to somewhere else entirely</a> `, 20) + `</div>`,
			how:  "best-scoring <div>", want: []string{"BODY"}, not: []string{"somewhere"},
		},
		{
			name: "scoring picks the text, not the link farm",
			html: `<div id="menu-like">` + strings.Repeat(`<p><a href="/x">a link, to somewhere, else entirely</a></p>`, 30) + `</div>` +
				`<div class="story">` + para("STORY", 3) + para("MORE", 3) + `</div>`,
			how: "best-scoring <div>", want: []string{"STORY", "MORE"}, not: []string{"somewhere"},
		},
		{
			name: "sibling paragraphs join",
			html: `<div><div class="entry">` + para("ENTRY", 4) + `</div><p>` + strings.Repeat("A sibling paragraph with plenty of words. ", 3) + `</p></div>`,
			how:  "best-scoring <div>", want: []string{"ENTRY", "sibling paragraph"},
		},
		{
			name: "weak score: whole page",
			html: `<div>short</div><div>also short</div>`,
			how:  "whole page (no clear main content)", want: []string{"short", "also short"},
		},
		{
			name: "boilerplate dropped",
			html: `<nav>` + para("nav", 1) + `</nav><header>` + para("header", 1) + `</header><main><header><h1>KEPT</h1></header>` + para("MAIN", 15) +
				`<div class="share-buttons">share</div><div class="main-menu">` + para("MENU", 1) + `</div><div role="complementary">compl</div></main><footer>foot</footer>`,
			how: "<main>", want: []string{"KEPT", "MAIN", "MENU"}, not: []string{"nav is", "header is", "share", "compl", "foot"},
		},
		{
			name: "code classes kept",
			html: `<main>` + para("MAIN", 4) + `<pre><span class="comment">// a comment</span></pre><p><code><span class="ad">ad</span></code></p></main>`,
			how:  "<main>", want: []string{"// a comment", "`ad`"},
		},
		{
			name: "protected wrapper",
			html: `<div class="content-sidebar-wrap social"><main>` + para("MAIN", 4) + `</main></div>`,
			how:  "<main>", want: []string{"MAIN"},
		},
		{
			name: "class removal undone when it leaves too little",
			html: `<div class="comments">` + para("ONLY", 12) + `</div>`,
			how:  "whole page (no clear main content)", want: []string{"ONLY"},
		},
		{
			name: "hidden main ignored",
			html: `<main hidden>` + para("HID", 4) + `</main><div>` + para("VIS", 8) + `</div>`,
			how:  "best-scoring <div>", want: []string{"VIS"}, not: []string{"HID"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := parse(t, "<html><body>"+c.html+"</body></html>", Options{})
			if !slices.Contains(p.Notes, "main content: "+c.how) {
				t.Errorf("notes %q, want main content: %s", p.Notes, c.how)
			}
			for _, w := range c.want {
				if !strings.Contains(p.Markdown, w) {
					t.Errorf("Markdown lacks %q:\n%s", w, p.Markdown)
				}
			}
			for _, w := range c.not {
				if strings.Contains(p.Markdown, w) {
					t.Errorf("Markdown has %q:\n%s", w, p.Markdown)
				}
			}
		})
	}
}

func TestBoilerplateWords(t *testing.T) {
	for class, want := range map[string]bool{
		"sidebar": true, "site-footer": true, "ad-slot": true, "adsbygoogle": true, "cookie_banner": true,
		"header": false, "download": false, "shadow": false, "address": false, "main-menu": false,
		"comment-content": false, "entry-content": false, "commentary": false, "read-more": false,
	} {
		n := element(0)
		n.Data = "div"
		n.Attr = append(n.Attr, htmlAttr("class", class))
		if got := boilerplate(n, false, false, true, nil); got != want {
			t.Errorf("class %q: boilerplate = %v", class, got)
		}
	}
}
