package webpage

import "testing"

func TestMarkdownBlocks(t *testing.T) {
	checkMarkdown(t, []mdCase{
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
	})
}
