package webpage

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// sub renders n's children in inline mode into a separate writer and
// returns the Markdown, its plain text, and whether whitespace came
// before and after.
func (c *conv) sub(n *html.Node) (md, plain string, lead, trail bool) {
	saved := c.w
	c.w = &mdWriter{inline: true, table: saved.table, limit: max(saved.limit-saved.b.Len(), 0)}
	c.inlines++
	c.children(n)
	c.inlines--
	w := c.w
	c.w = saved
	return w.String(), w.plain.String(), w.lead, w.space
}

// put writes an inline sub-render with its surrounding spaces.
func (c *conv) put(md, plain string, lead, trail bool) {
	if lead {
		c.w.softSpace()
	}
	c.w.literal(md)
	if c.w.inline && md != "" && c.w.plain.Len() < 4*maxLinkText {
		c.w.plain.WriteString(plain)
	}
	if trail {
		c.w.softSpace()
	}
}

// wrap renders emphasis: marker, the content, marker, with the spaces
// inside moved out. Emphasis around blocks, or inside the same emphasis,
// is left unmarked.
func (c *conv) wrap(n *html.Node, marker string) {
	if c.emphasis[marker] || c.inlines >= maxInline || hasBlockChild(n) {
		c.children(n)
		return
	}
	if c.emphasis == nil {
		c.emphasis = map[string]bool{}
	}
	c.emphasis[marker] = true
	md, plain, lead, trail := c.sub(n)
	c.emphasis[marker] = false
	if md = strings.TrimSpace(md); md != "" {
		md = marker + md + marker
	}
	c.put(md, plain, lead, trail)
}

// hasBlockChild reports whether n has a block-level child element.
func hasBlockChild(n *html.Node) bool {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type == html.ElementNode && (blockElement(ch.DataAtom) || ch.DataAtom == atom.Table) {
			return true
		}
	}
	return false
}

// link renders <a href> as [text][N], numbering its URL. Links whose URL
// is unusable (javascript:, data:, relative without a base) keep their
// text. A link without text takes its title (a tooltip the reader can
// see; aria-label is never shown, so it is not used); one with neither
// is dropped, and so are one-symbol permalink anchors in headings ("¶",
// "#").
func (c *conv) link(n *html.Node) {
	if c.inLink || c.inlines >= maxInline {
		c.children(n)
		return
	}
	u := resolveURL(c.base, attr(n, "href"))
	c.inLink = true
	md, plain, lead, trail := c.sub(n)
	c.inLink = false
	md, plain = strings.TrimSpace(md), strings.TrimSpace(plain)
	if md == "" { // an icon link: its tooltip, which a reader can see
		plain = cutRunes(clean(c.visible(attr(n, "title"))), maxAlt)
		md = escapeText(plain)
	}
	if c.heading && len([]rune(plain)) <= 1 && !strings.ContainsFunc(plain, wordRune) {
		md = ""
	}
	if md != "" && u != "" {
		if num := c.links.number(u, plain); num > 0 {
			md = "[" + md + "][" + strconv.Itoa(num) + "]"
		}
	}
	c.put(md, plain, lead, trail)
}

// image renders <img> with alt text as ![alt][N]; images without alt text
// are decorative and left out. Inside a link, or without a usable URL,
// the alt text is plain text. Alt text past maxAlt runes is cut, and
// recorded whole in Hidden: browsers show it only when the image fails.
func (c *conv) image(n *html.Node) {
	alt := clean(c.visible(attr(n, "alt")))
	if alt == "" {
		return
	}
	if utf8.RuneCountInString(alt) > maxAlt {
		c.hlog.add(ReasonAlt, alt)
		alt = cutRunes(alt, maxAlt)
	}
	src := attr(n, "src")
	for _, k := range []string{"data-src", "data-original", "data-lazy-src"} {
		if src == "" || strings.HasPrefix(src, "data:") {
			src = attr(n, k)
		}
	}
	if src == "" {
		if f := strings.Fields(attr(n, "srcset")); len(f) > 0 {
			src = f[0]
		}
	}
	u := resolveURL(c.base, src)
	num := 0
	if !c.inLink && u != "" {
		num = c.links.number(u, alt)
	}
	if num == 0 {
		c.w.text(alt)
		return
	}
	c.put("!["+escapeText(alt)+"]["+strconv.Itoa(num)+"]", alt, false, false)
}

// inlineCode renders <code> outside <pre> as a code span.
func (c *conv) inlineCode(n *html.Node) {
	if c.code > 0 {
		c.children(n)
		return
	}
	c.code++
	raw := c.collect(n, false)
	c.code--
	t := collapse(raw)
	if t == "" {
		return
	}
	fence := strings.Repeat("`", longestRun(t, '`')+1)
	if strings.HasPrefix(t, "`") || strings.HasSuffix(t, "`") {
		t = " " + t + " "
	}
	lead := raw != "" && isSpace(rune(raw[0]))
	trail := raw != "" && isSpace(rune(raw[len(raw)-1]))
	c.put(fence+t+fence, t, lead, trail)
}
