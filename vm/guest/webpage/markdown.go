package webpage

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Markdown structure limits.
const (
	maxDepth   = 200 // elements rendered structurally; deeper ones become plain text
	maxNesting = 10  // nested lists and quotes indented; deeper ones are not
	maxInline  = 8   // nested emphasis and links marked up; deeper ones are not
	maxAlt     = 200 // runes of image alt text shown; longer alt text is recorded as hidden
)

// conv renders HTML elements as Markdown.
type conv struct {
	w       *mdWriter
	hidden  map[*html.Node]string
	hlog    *hiddenLog
	links   *linker
	base    *url.URL
	raw     bool // no boilerplate removal
	noClass bool // boilerplate removal without class and id words
	protect map[*html.Node]bool

	root     *html.Node // the content root being rendered: never boilerplate
	depth    int        // element recursion depth
	nest     int        // list and quote nesting
	inlines  int        // nested inline sub-renders
	article  int        // open <article> and <main> elements
	code     int        // open <pre> and <code> elements
	inLink   bool
	heading  bool
	emphasis map[string]bool // markers open: no "**" inside "**"
}

// render writes the content roots, each as a block.
func (c *conv) render(roots []*html.Node) {
	for _, r := range roots {
		c.root = r
		c.article = 0
		for a := r.Parent; a != nil; a = a.Parent {
			if a.DataAtom == atom.Article || a.DataAtom == atom.Main {
				c.article++
			}
		}
		c.w.block(2)
		c.node(r)
	}
}

// node renders one node.
func (c *conv) node(n *html.Node) {
	if c.w.full() {
		return
	}
	switch n.Type {
	case html.TextNode:
		c.w.text(c.visible(n.Data))
	case html.ElementNode:
		c.element(n)
	case html.DocumentNode:
		c.children(n)
	}
}

// children renders n's children.
func (c *conv) children(n *html.Node) {
	for ch := n.FirstChild; ch != nil && !c.w.full(); ch = ch.NextSibling {
		c.node(ch)
	}
}

// visible drops invisible characters from text, recording any Unicode
// tag characters as hidden.
func (c *conv) visible(s string) string {
	s, tags := visible(s)
	c.hlog.add(ReasonTagChars, tags)
	return s
}

// skip reports whether element n is left out: hidden (recordHidden has
// recorded it), never content, or boilerplate.
func (c *conv) skip(n *html.Node) bool {
	if c.hidden[n] != "" || nonContent(n) {
		return true
	}
	return !c.raw && n != c.root && boilerplate(n, c.article > 0, c.code > 0, !c.noClass, c.protect)
}

// element renders an element.
func (c *conv) element(n *html.Node) {
	if c.skip(n) {
		return
	}
	if c.depth >= maxDepth {
		c.w.block(2)
		c.w.text(c.collect(n, false))
		c.w.block(2)
		return
	}
	c.depth++
	defer func() { c.depth-- }()
	if n.Namespace != "" { // MathML: its text
		c.children(n)
		return
	}
	switch a := n.DataAtom; a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		c.headingElem(n, int(a.String()[1]-'0'))
	case atom.Br:
		c.w.lineBreak()
	case atom.Hr:
		c.w.block(2)
		if !c.w.inline {
			c.w.literal("---")
		}
		c.w.block(2)
	case atom.Pre:
		c.pre(n)
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		c.inlineCode(n)
	case atom.B, atom.Strong:
		c.wrap(n, "**")
	case atom.I, atom.Em, atom.Cite, atom.Dfn:
		c.wrap(n, "*")
	case atom.S, atom.Del, atom.Strike:
		c.wrap(n, "~~")
	case atom.A:
		c.link(n)
	case atom.Img:
		c.image(n)
	case atom.Ul, atom.Ol, atom.Menu:
		c.list(n)
	case atom.Li:
		c.item(n, "- ")
	case atom.Blockquote:
		c.quote(n)
	case atom.Table:
		c.table(n)
	case atom.Td, atom.Th, atom.Dt, atom.Dd, atom.Figcaption, atom.Summary:
		c.w.block(1)
		c.children(n)
		c.w.block(1)
	case atom.Article, atom.Main:
		c.article++
		c.blockElem(n)
		c.article--
	default:
		if blockElement(a) {
			c.blockElem(n)
		} else {
			c.children(n)
		}
	}
}

// blockElem renders a paragraph-like block.
func (c *conv) blockElem(n *html.Node) {
	c.w.block(2)
	c.children(n)
	c.w.block(2)
}

// headingElem renders <hN> as an ATX heading on one line.
func (c *conv) headingElem(n *html.Node, level int) {
	if c.w.inline || c.heading || c.inlines >= maxInline {
		c.w.softSpace()
		c.children(n)
		c.w.softSpace()
		return
	}
	c.heading = true
	md, _, _, _ := c.sub(n)
	c.heading = false
	if md = strings.TrimSpace(md); md != "" {
		c.w.block(2)
		c.w.literal(strings.Repeat("#", level) + " " + md)
		c.w.block(2)
	}
}

// pre renders <pre> as a fenced code block, with the language of a
// language-X or lang-X class on it or on its <code>.
func (c *conv) pre(n *html.Node) {
	c.code++
	code := c.collect(n, true)
	c.code--
	if c.w.inline {
		c.w.text(code)
		return
	}
	code = strings.TrimRight(strings.TrimPrefix(code, "\n"), " \t\n")
	if strings.TrimSpace(code) == "" {
		return
	}
	lang := codeLanguage(n)
	if lang == "" && n.FirstChild != nil && n.FirstChild.DataAtom == atom.Code {
		lang = codeLanguage(n.FirstChild)
	}
	fence := strings.Repeat("`", max(3, longestRun(code, '`')+1))
	c.w.block(2)
	c.w.literal(fence + lang)
	c.w.rawLines(code)
	c.w.rawLines(fence)
	c.w.block(2)
}

// codeLanguage returns the X of a language-X, lang-X or highlight-X
// class of n, made safe for a fence line.
func codeLanguage(n *html.Node) string {
	for _, cl := range strings.Fields(classAttr(n)) {
		for _, p := range []string{"language-", "lang-", "highlight-source-", "highlight-"} {
			if l, ok := strings.CutPrefix(strings.ToLower(cl), p); ok && l != "" {
				return cutRunes(strings.Map(func(r rune) rune {
					if r == '+' || r == '#' || r == '-' || r == '_' || r == '.' ||
						'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
						return r
					}
					return -1
				}, l), 20)
			}
		}
	}
	return ""
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// collect returns the visible text under n without recursion: hidden and
// non-content elements are skipped, <br> and, with pre,
// block elements and rows start a new line; otherwise blocks are
// separated by spaces. Whitespace is kept as is.
func (c *conv) collect(n *html.Node, pre bool) string {
	var b strings.Builder
	sep := " "
	if pre {
		sep = "\n"
	}
	walk(n, func(x *html.Node) bool {
		if b.Len() > c.w.limit {
			return false
		}
		switch x.Type {
		case html.TextNode:
			b.WriteString(c.visible(x.Data))
		case html.ElementNode:
			if x != n && c.skip(x) {
				return false
			}
			switch {
			case x.DataAtom == atom.Br:
				b.WriteByte('\n')
			case x != n && (blockElement(x.DataAtom) || x.DataAtom == atom.Td || x.DataAtom == atom.Th):
				if s := b.String(); s != "" && !strings.HasSuffix(s, sep) && !strings.HasSuffix(s, "\n") {
					b.WriteString(sep)
				}
			}
			return true
		}
		return false
	}, nil)
	return b.String()
}
