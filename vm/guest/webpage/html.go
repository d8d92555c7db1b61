package webpage

import (
	"net/url"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseHTML fills p from an HTML document decoded to UTF-8.
func parseHTML(text string, base *url.URL, opt Options, p *Page) {
	doc := parseDOM(text, p)
	sh := styles(doc)
	if sh.dropped > 0 {
		p.note("%d style rules past the limits ignored", sh.dropped)
	}
	hidden, rootHidden := findHidden(doc, sh)
	if rootHidden {
		p.note("the page hides its whole body (until scripts run, usually): shown anyway")
	}
	m := readMeta(doc, base, hidden)
	p.Title, p.Lang = m.title, m.lang
	for k, v := range m.meta {
		p.Meta[k] = v
	}

	body := findBody(doc)
	roots := []*html.Node{body}
	c := &conv{
		w:      &mdWriter{limit: opt.MaxOutput + 1},
		hidden: hidden,
		hlog:   &hiddenLog{},
		links:  &linker{},
		base:   m.base,
		raw:    opt.Raw,
	}
	c.protect = protected(body, hidden)
	if !opt.Raw {
		var how string
		var useClass bool
		roots, how, useClass = mainContent(body, hidden, c.protect)
		c.noClass = !useClass
		p.note("main content: %s", how)
	}
	recordHidden(doc, hidden, c.hlog)
	c.render(roots)
	p.Markdown = c.w.String()
	p.Links = c.links.links
	if c.links.dropped > 0 {
		p.note("%d links past the first %d not numbered", c.links.dropped, MaxLinks)
	}
	c.hlog.finish(p)
}

// styles collects the rules of the document's <style> elements (HTML and
// SVG, not inside templates).
func styles(doc *html.Node) *sheet {
	sh := newSheet()
	walk(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return n.Type == html.DocumentNode
		}
		switch {
		case n.DataAtom == atom.Template:
			return false
		case n.Data == "style" && (n.Namespace == "" || n.Namespace == "svg"):
			for t := n.FirstChild; t != nil; t = t.NextSibling {
				if t.Type == html.TextNode {
					sh.add(t.Data)
				}
			}
			return false
		}
		return true
	}, nil)
	return sh
}
