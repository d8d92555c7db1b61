package webpage

import (
	"strings"
	"testing"
)

// mdCase is an HTML snippet and the Markdown it converts to.
type mdCase struct{ name, html, want string }

// checkMarkdown converts each snippet whole (Options.Raw) against
// testBase.
func checkMarkdown(t *testing.T, cases []mdCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := parse(t, "<html><body>"+c.html+"</body></html>", Options{Raw: true})
			if p.Markdown != c.want {
				t.Errorf("got:\n%s\nwant:\n%s\n(%q)", p.Markdown, c.want, p.Markdown)
			}
		})
	}
}

func TestMarkdown(t *testing.T) {
	checkMarkdown(t, []mdCase{
		// Text and whitespace.
		{"whitespace collapsed", "<p>  a\n\t b  </p>\n\n<p>c&nbsp;&nbsp;d</p>", "a b\n\nc d"},
		{"inline spacing", "<p>a<span>b</span> <span>c</span>d</p>", "ab cd"},
		{"br", "<p>one<br>two<br><br>three</p>", "one\ntwo\n\nthree"},
		{"hr", "<p>a</p><hr><p>b</p>", "a\n\n---\n\nb"},
		{"invisible characters dropped", "<p>zero\u200bwidth\u00adsoft\ufeff</p>", "zerowidthsoft"},
		{"joiners kept", "<p>👨\u200d👩</p>", "👨\u200d👩"},
		{"entities", "<p>&lt;div&gt; &amp; &quot;</p>", "\\<div> & \""},
		{"divs are paragraphs", "<div>a</div><div>b</div>", "a\n\nb"},
		{"headings", "<h1>One</h1><h2>Two <small>sub</small></h2><h6>Six</h6>", "# One\n\n## Two sub\n\n###### Six"},
		{"heading with br and link", `<h2>A<br>B <a href="/x">C</a></h2>`, "## A B [C][1]"},
		{"heading permalink dropped", `<h2 id="x">Title <a href="#x">#</a></h2>`, "## Title"},
		{"empty heading dropped", "<h2> </h2><p>x</p>", "x"},

		// Escaping.
		{"metacharacters", "<p>a*b* [c] `d` \\ e_f _g_</p>", "a\\*b\\* \\[c\\] \\`d\\` \\\\ e_f \\_g\\_"},
		{"line-start markers", "<p># not</p><p>- not</p><p>+ not</p><p>> not</p><p>1. not</p><p>2) not</p><p>3 ok</p>", "\\# not\n\n\\- not\n\n\\+ not\n\n\\> not\n\n1\\. not\n\n2\\) not\n\n3 ok"},
		{"html-like text", "<p>&lt;script&gt;x&lt;/script&gt; a &lt; b</p>", "\\<script>x\\</script> a < b"},
		{"tilde", "<p>~~x~~ ~y</p>", "\\~\\~x\\~\\~ ~y"},

		// Things that are not content.
		{"scripts and styles", "<p>a</p><script>x()</script><style>p{}</style><p>b</p>", "a\n\nb"},
		{"form controls", `<form><label>Name</label><input value="v"><select><option>o</option></select><textarea>t</textarea><button>Go</button></form>`, "Name"},
		{"embedded", "<p>a</p><iframe src=x>fallback</iframe><video>v</video><svg><text>s</text></svg><canvas>c</canvas><p>b</p>", "a\n\nb"},
		{"math text kept", "<p><math><mi>x</mi><mo>=</mo><mn>1</mn></math></p>", "x=1"},
	})
}

// TestMarkdownLinks checks what Page.Links holds for the numbers.
func TestMarkdownLinks(t *testing.T) {
	p := parse(t, `<p><a href="/a">First <b>link</b></a> <img src="img/x.png" alt="Pic"> <a href="/a">dup</a> <a href="https://other.example/p?q=1#f">Other</a></p>`, Options{Raw: true})
	want := []Link{
		{1, "First link", "https://example.com/a"},
		{2, "Pic", "https://example.com/blog/img/x.png"},
		{3, "Other", "https://other.example/p?q=1#f"},
	}
	if len(p.Links) != len(want) {
		t.Fatalf("Links = %v", p.Links)
	}
	for i := range want {
		if p.Links[i] != want[i] {
			t.Errorf("Links[%d] = %v, want %v", i, p.Links[i], want[i])
		}
	}
}

// TestMarkdownBaseHref resolves against <base href>, itself resolved
// against the page URL.
func TestMarkdownBaseHref(t *testing.T) {
	p := parse(t, `<head><base href="/docs/v2/"><base href="https://ignored.example/"></head><p><a href="page">p</a> <a href="../up">u</a> <a href="//cdn.example/x">c</a></p>`, Options{Raw: true})
	got := []string{}
	for _, l := range p.Links {
		got = append(got, l.URL)
	}
	if want := "https://example.com/docs/v2/page https://example.com/docs/up https://cdn.example/x"; strings.Join(got, " ") != want {
		t.Errorf("URLs = %v, want %v", got, want)
	}
	p = parse(t, `<head><base href="javascript:alert(1)"></head><p><a href="page">p</a></p>`, Options{Raw: true})
	if len(p.Links) != 1 || p.Links[0].URL != "https://example.com/blog/page" {
		t.Errorf("javascript: base: %v", p.Links)
	}
}

// TestMarkdownNesting caps structure, not content, past maxNesting and
// maxDepth.
func TestMarkdownNesting(t *testing.T) {
	deepList := strings.Repeat("<ul><li>x", 30) + strings.Repeat("</li></ul>", 30)
	p := parse(t, deepList, Options{Raw: true})
	for _, line := range strings.Split(p.Markdown, "\n") {
		if len(line) > 2*maxNesting+10 {
			t.Errorf("line indented past the cap: %q", line)
		}
	}
	if strings.Count(p.Markdown, "x") != 30 {
		t.Errorf("items lost:\n%s", p.Markdown)
	}
	deepQuote := strings.Repeat("<blockquote>", 50) + "q" + strings.Repeat("</blockquote>", 50)
	p = parse(t, deepQuote, Options{Raw: true})
	if p.Markdown != strings.Repeat("> ", maxNesting)+"q" {
		t.Errorf("deep quote: %q", p.Markdown)
	}
	deepInline := strings.Repeat("<b><i>", 40) + "t" + strings.Repeat("</i></b>", 40)
	p = parse(t, "<p>"+deepInline+"</p>", Options{Raw: true})
	if p.Markdown != "***t***" {
		t.Errorf("deep inline: %q", p.Markdown)
	}
	deepSpans := strings.Repeat("<span>", 400) + `deep <a href="/l">link</a>` + strings.Repeat("</span>", 400)
	p = parse(t, "<p>"+deepSpans+"</p><p>after</p>", Options{Raw: true})
	if p.Markdown != "deep link\n\nafter" {
		t.Errorf("past maxDepth: %q", p.Markdown)
	}
}
