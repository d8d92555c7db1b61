package webpage

import (
	"strings"
	"testing"
)

// TestMarkdown converts snippets whole (Options.Raw) against testBase.
func TestMarkdown(t *testing.T) {
	for _, c := range []struct {
		name, html, want string
	}{
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

		// Inline formatting.
		{"emphasis", "<p><b>bold</b> <i>it</i> <strong>s</strong><em>e</em> <del>gone</del></p>", "**bold** *it* **s***e* ~~gone~~"},
		{"emphasis spaces moved out", "<p>a<b> bold </b>b</p>", "a **bold** b"},
		{"empty emphasis", "<p>a<b> </b>b</p>", "a b"},
		{"nested same emphasis", "<p><b>a <b>b</b> c</b></p>", "**a b c**"},
		{"nested emphasis", "<p><b>a <i>b</i></b></p>", "**a *b***"},
		{"emphasis around block", "<b><p>a</p><p>b</p></b>", "a\n\nb"},
		{"inline code", "<p>Use <code>a*b_c</code> or <code>x`y</code> or <kbd>Ctrl</kbd></p>", "Use `a*b_c` or ``x`y`` or `Ctrl`"},
		{"inline code backtick edge", "<p><code>`a</code></p>", "`` `a ``"},

		// Links and images.
		{"links numbered and deduplicated", `<p><a href="/a">A</a> <a href="b">B</a> <a href="/a">again</a></p>`, "[A][1] [B][2] [again][1]"},
		{"unsafe links keep text", `<p><a href="javascript:alert(1)">js</a> <a href="java&#10;script:x">js2</a> <a href="data:text/html,x">data</a> <a href="vbscript:x">vb</a> <a href="file:///etc/passwd">file</a></p>`, "js js2 data vb file"},
		{"mailto", `<p><a href="mailto:a@example.com">mail</a></p>`, "[mail][1]"},
		{"link without text", `<p><a href="/a"></a><a href="/b" aria-label="Label"><span></span></a><a href="/c" title="T"> </a></p>`, "[Label][1] [T][2]"},
		{"link text escaped", `<p><a href="/a">a [b] *c*</a></p>`, "[a \\[b\\] \\*c\\*][1]"},
		{"link with blocks", `<a href="/a"><h3>Title</h3><p>Desc</p></a>`, "[Title Desc][1]"},
		{"link without href", `<p><a name="x">anchor</a></p>`, "anchor"},
		{"link spacing", `<p>see<a href="/a"> here </a>now</p>`, "see [here][1] now"},
		{"image", `<p><img src="/i.png" alt="An image"> <img src="/j.png"> <img src="/k.png" alt=""></p>`, "![An image][1]"},
		{"lazy image", `<p><img src="data:image/gif;base64,R0l" data-src="/real.png" alt="Lazy"></p>`, "![Lazy][1]"},
		{"srcset image", `<p><img srcset="/s.png 1x, /t.png 2x" alt="Set"></p>`, "![Set][1]"},
		{"image without URL", `<p><img src="data:image/png;base64,xx" alt="Inline"></p>`, "Inline"},
		{"image in link", `<p><a href="/a"><img src="/i.png" alt="Logo"></a></p>`, "[Logo][1]"},
		{"image alt escaped", `<p><img src="/i.png" alt="a [b]"></p>`, "![a \\[b\\]][1]"},

		// Lists.
		{"unordered", "<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
		{"ordered with start and value", `<ol start="3"><li>c</li><li value="7">g</li><li>h</li></ol>`, "3. c\n7. g\n8. h"},
		{"nested", "<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>", "- a\n  - b\n    1. c\n- d"},
		{"item paragraphs", "<ul><li><p>a</p><p>b</p></li><li><p>c</p></li></ul>", "- a\n\n  b\n- c"},
		{"list after paragraph", "<p>x</p><ul><li>a</li></ul><p>y</p>", "x\n\n- a\n\ny"},
		{"nested list first", "<ul><li><ul><li>a</li></ul></li></ul>", "- - a"},
		{"empty items", "<ul><li></li><li>b</li><li> </li></ul>", "- b"},
		{"stray li", "<li>x</li>", "- x"},
		{"ordered wide markers", "<ol start=9><li>a<br>b</li><li>c</li></ol>", "9. a\n   b\n10. c"},

		// Quotes, code, definitions.
		{"blockquote", "<blockquote><p>a</p><p>b</p></blockquote><p>c</p>", "> a\n>\n> b\n\nc"},
		{"nested quote and list", "<blockquote><ul><li>a</li></ul><blockquote>b</blockquote></blockquote>", "> - a\n>\n> > b"},
		{"pre", "<pre>  a\n    b\n</pre>", "```\n  a\n    b\n```"},
		{"pre language", `<pre class="lang-python"><code>x = 1</code></pre>`, "```python\nx = 1\n```"},
		{"pre code language", `<pre><code class="hljs language-c++">int x;</code></pre>`, "```c++\nint x;\n```"},
		{"pre with fence inside", "<pre>```\nx\n```</pre>", "````\n```\nx\n```\n````"},
		{"pre highlighted spans", `<pre><span class="comment">// c</span>` + "\n" + `<span class="kw">go</span> <b>f</b>()</pre>`, "```\n// c\ngo f()\n```"},
		{"pre in list", "<ul><li>a<pre>x\ny</pre></li></ul>", "- a\n\n  ```\n  x\n  y\n  ```"},
		{"pre br", "<pre>a<br>b</pre>", "```\na\nb\n```"},
		{"definition list", "<dl><dt>Term</dt><dd>Def</dd></dl>", "Term\nDef"},

		// Tables.
		{"table", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2|3</td></tr></table>", "| a | b |\n| --- | --- |\n| 1 | 2\\|3 |"},
		{"table thead tbody ragged", "<table><thead><tr><th>a</th><th>b</th><th>c</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>", "| a | b | c |\n| --- | --- | --- |\n| 1 |  |  |"},
		{"table colspan", `<table><tr><td colspan="2">wide</td><td>x</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>`, "| wide |  | x |\n| --- | --- | --- |\n| 1 | 2 | 3 |"},
		{"table cell blocks", "<table><tr><td><p>a</p><p>b</p></td><td>c<br>d</td></tr><tr><td>1</td><td>2</td></tr></table>", "| a b | c d |\n| --- | --- |\n| 1 | 2 |"},
		{"table caption", "<table><caption>Cap</caption><tr><td>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>", "Cap\n\n| a | b |\n| --- | --- |\n| 1 | 2 |"},
		{"table links", `<table><tr><td><a href="/a">A</a></td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>`, "| [A][1] | b |\n| --- | --- |\n| 1 | 2 |"},
		{"layout table one column", "<table><tr><td>a</td></tr><tr><td>b</td></tr></table>", "a\n\nb"},
		{"layout table presentation", `<table role="presentation"><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`, "a\nb\n\nc\nd"},
		{"layout table nested", "<table><tr><td><table><tr><td>x</td><td>y</td></tr><tr><td>1</td><td>2</td></tr></table></td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "| x | y |\n| --- | --- |\n| 1 | 2 |\n\nb\n\nc\nd"},

		// Things that are not content.
		{"scripts and styles", "<p>a</p><script>x()</script><style>p{}</style><p>b</p>", "a\n\nb"},
		{"form controls", `<form><label>Name</label><input value="v"><select><option>o</option></select><textarea>t</textarea><button>Go</button></form>`, "Name"},
		{"embedded", "<p>a</p><iframe src=x>fallback</iframe><video>v</video><svg><text>s</text></svg><canvas>c</canvas><p>b</p>", "a\n\nb"},
		{"math text kept", "<p><math><mi>x</mi><mo>=</mo><mn>1</mn></math></p>", "x=1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := parse(t, "<html><body>"+c.html+"</body></html>", Options{Raw: true})
			if p.Markdown != c.want {
				t.Errorf("got:\n%s\nwant:\n%s\n(%q)", p.Markdown, c.want, p.Markdown)
			}
		})
	}
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
