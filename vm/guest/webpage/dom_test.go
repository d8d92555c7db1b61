package webpage

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestDeepNesting: x/net/html refuses more than 512 open elements; the
// simplified parser takes over, every walk is iterative, and hidden text
// at any depth stays hidden.
func TestDeepNesting(t *testing.T) {
	const n = 90_000 // and as many end tags: within MaxTags
	page := "<p>top</p>" + strings.Repeat("<div>", n) +
		`<p>deep text</p><div style="display:none">deep secret</div><!-- deep comment -->` +
		strings.Repeat("</div>", n) + "<p>after</p>"
	for _, raw := range []bool{false, true} {
		p := parse(t, page, Options{Raw: raw})
		if !slices.ContainsFunc(p.Notes, func(s string) bool { return strings.Contains(s, "parsed with a simplified parser") }) {
			t.Errorf("raw=%v: notes %q", raw, p.Notes)
		}
		for _, want := range []string{"top", "deep text", "after"} {
			if !strings.Contains(p.Markdown, want) {
				t.Errorf("raw=%v: Markdown lacks %q: %q", raw, want, p.Markdown)
			}
		}
		if strings.Contains(p.Markdown, "secret") || strings.Contains(p.Markdown, "comment") {
			t.Errorf("raw=%v: hidden text shown: %q", raw, p.Markdown)
		}
		want := []Hidden{{ReasonDisplay, "deep secret"}, {ReasonComment, "deep comment"}}
		if !slices.Equal(p.Hidden, want) {
			t.Errorf("raw=%v: Hidden = %q", raw, p.Hidden)
		}
	}
}

// TestTagLimit: a body with more than MaxTags tags is cut before the
// next one, and noted.
func TestTagLimit(t *testing.T) {
	page := "<p>first</p>" + strings.Repeat("<i>x</i>", MaxTags) + "<p>last</p>"
	p := parse(t, page, Options{Raw: true})
	if !strings.HasPrefix(p.Markdown, "first") || strings.Contains(p.Markdown, "last") {
		t.Errorf("Markdown starts %q, ends %q", p.Markdown[:20], p.Markdown[len(p.Markdown)-20:])
	}
	if !slices.ContainsFunc(p.Notes, func(s string) bool { return strings.HasSuffix(s, "more than 200000 tags") }) {
		t.Errorf("notes %q", p.Notes)
	}
	doc := parseDOM("<b>"+strings.Repeat("<a>", MaxTags+5), &Page{})
	count := 0
	walk(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			count++
		}
		return true
	}, nil)
	if count > 2*MaxTags {
		t.Errorf("%d elements from a cut input", count)
	}
}

func TestParseSimple(t *testing.T) {
	for in, want := range map[string]string{
		"<p>a<p>b":                       "<p>a</p><p>b</p>",
		"<p>a<div>b</div>":               "<p>a</p><div>b</div>",
		"<p>a<b>b</p>c":                  "<p>a<b>b</b></p>c",
		"<ul><li>a<li>b</ul>":            "<ul><li>a</li><li>b</li></ul>",
		"<dl><dt>a<dd>b<dt>c</dl>":       "<dl><dt>a</dt><dd>b</dd><dt>c</dt></dl>",
		"<table><tr><td>a<td>b<tr><td>c": "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
		"a<br>b<img src=x>c</img>":       "a<br/>b<img src=\"x\"/>c",
		"</div>a</span>":                 "a",
		"<div/>a":                        "<div>a</div>",
		"<svg><path/><g/></svg>x":        "<svg><path></path><g></g></svg>x",
		"<html lang=en><body class=b><title>T</title>": "<title>T</title>",
		"<script>a<b>c</script>":                       "<script>a<b>c</script>",
		"<!-- c -->":                                   "<!-- c -->",
		"<select><option>a<option>b</select>":          "<select><option>a</option><option>b</option></select>",
	} {
		doc := parseSimple(in)
		body := findBody(doc)
		var b strings.Builder
		for c := body.FirstChild; c != nil; c = c.NextSibling {
			html.Render(&b, c)
		}
		if b.String() != want {
			t.Errorf("parseSimple(%q) = %q, want %q", in, b.String(), want)
		}
	}
	doc := parseSimple("<html lang=en><body class=b>x")
	if attr(doc.FirstChild, "lang") != "en" || attr(findBody(doc), "class") != "b" {
		t.Errorf("html and body attributes lost")
	}
}

func TestWalk(t *testing.T) {
	doc, _ := html.Parse(strings.NewReader("<div><p>a</p><p><b>b</b></p></div><i>c</i>"))
	var log []string
	walk(findBody(doc), func(n *html.Node) bool {
		if n.Type == html.TextNode {
			log = append(log, n.Data)
			return false
		}
		log = append(log, "<"+n.Data)
		return n.Data != "i"
	}, func(n *html.Node) { log = append(log, n.Data+">") })
	want := "<body <div <p a p> <p <b b b> p> div> <i body>"
	if got := strings.Join(log, " "); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	// A chain a million deep: no recursion, no stack growth.
	root := &html.Node{Type: html.ElementNode, Data: "div"}
	n := root
	for range 1_000_000 {
		c := &html.Node{Type: html.ElementNode, Data: "div"}
		n.AppendChild(c)
		n = c
	}
	entered, left := 0, 0
	walk(root, func(*html.Node) bool { entered++; return true }, func(*html.Node) { left++ })
	if entered != 1_000_001 || left != entered {
		t.Errorf("entered %d, left %d", entered, left)
	}
}

func htmlAttr(k, v string) html.Attribute { return html.Attribute{Key: k, Val: v} }
