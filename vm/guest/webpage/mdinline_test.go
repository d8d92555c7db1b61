package webpage

import "testing"

func TestMarkdownInline(t *testing.T) {
	checkMarkdown(t, []mdCase{
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
		{"link without text", `<p><a href="/a"></a><a href="/b" aria-label="Label"><span></span></a><a href="/c" title="T"> </a></p>`, "[T][1]"},
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
	})
}
