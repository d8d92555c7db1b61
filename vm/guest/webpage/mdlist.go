package webpage

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// list renders <ul>, <ol> and <menu>: items marked "- " or "N. " (from
// the start and value attributes), continuation lines indented under the
// marker, nested lists tight under their item.
func (c *conv) list(n *html.Node) {
	ordered := n.DataAtom == atom.Ol
	num := 1
	if v, err := strconv.Atoi(strings.TrimSpace(attr(n, "start"))); ordered && err == nil {
		num = min(max(v, -1e9), 1e9)
	}
	gap := 2
	if c.nest > 0 {
		gap = 1
	}
	c.w.block(gap)
	for ch := n.FirstChild; ch != nil && !c.w.full(); ch = ch.NextSibling {
		if ch.Type != html.ElementNode || ch.DataAtom != atom.Li || ch.Namespace != "" {
			c.node(ch)
			continue
		}
		if c.skip(ch) {
			continue
		}
		marker := "- "
		if ordered {
			if v, err := strconv.Atoi(strings.TrimSpace(attr(ch, "value"))); err == nil {
				num = min(max(v, -1e9), 1e9)
			}
			marker = strconv.Itoa(num) + ". "
			num++
		}
		c.item(ch, marker)
	}
	c.w.block(gap)
}

// item renders a list item under marker. In inline mode, or nested past
// maxNesting, it is a plain block.
func (c *conv) item(n *html.Node, marker string) {
	switch {
	case c.w.inline:
		c.w.softSpace()
		c.children(n)
		c.w.softSpace()
		return
	case c.nest >= maxNesting:
		c.w.block(1)
		c.children(n)
		c.w.block(1)
		return
	}
	c.w.block(1)
	c.w.push(marker, strings.Repeat(" ", len(marker)))
	c.nest++
	c.children(n)
	c.nest--
	c.w.pop()
	c.w.settle(1)
}

// quote renders <blockquote> with "> " before every line.
func (c *conv) quote(n *html.Node) {
	if c.w.inline || c.nest >= maxNesting {
		c.blockElem(n)
		return
	}
	c.w.block(2)
	c.w.push("> ", "> ")
	c.nest++
	c.children(n)
	c.nest--
	c.w.pop()
	c.w.block(2)
}
