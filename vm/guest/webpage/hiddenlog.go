package webpage

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// recordHidden records in h, in document order, the text of doc a
// reader would not see: comments, hidden elements, templates, noscript
// and hidden inputs, wherever they are (a hidden injection outside the
// main content is still evidence against the page).
func recordHidden(doc *html.Node, hidden map[*html.Node]string, h *hiddenLog) {
	add := func(reason, text string) {
		text, tags := visible(text)
		h.add(reason, text)
		h.add(ReasonTagChars, tags)
	}
	walk(doc, func(n *html.Node) bool {
		switch n.Type {
		case html.DocumentNode:
			return true
		case html.CommentNode:
			add(ReasonComment, n.Data)
			return false
		case html.ElementNode:
		default:
			return false
		}
		if r := hidden[n]; r != "" {
			add(r, textOf(n, MaxHiddenText))
			return false
		}
		if n.Namespace != "" {
			return true
		}
		switch n.DataAtom {
		case atom.Template, atom.Noscript:
			add(ReasonTemplate, textOf(n, MaxHiddenText))
			return false
		case atom.Input:
			if strings.EqualFold(strings.TrimSpace(attr(n, "type")), "hidden") {
				v := attr(n, "value")
				if name := attr(n, "name"); name != "" && v != "" {
					v = name + ": " + v
				}
				add(ReasonInput, v)
			}
		case atom.Script, atom.Style, atom.Title:
			return false
		}
		return true
	}, nil)
}

// hiddenLog collects Hidden records within the package limits.
type hiddenLog struct {
	list    []Hidden
	seen    map[string]bool
	total   int
	dropped int
}

// add records text hidden for reason, whitespace-collapsed and cut;
// empty text and repeats are ignored.
func (h *hiddenLog) add(reason, text string) {
	text = cutRunes(collapse(text), MaxHiddenText)
	if text == "" {
		return
	}
	key := reason + "\x00" + text
	if h.seen[key] {
		return
	}
	if len(h.list) >= MaxHidden || h.total+len(text) > maxHiddenTotal {
		h.dropped++
		return
	}
	if h.seen == nil {
		h.seen = map[string]bool{}
	}
	h.seen[key] = true
	h.total += len(text)
	h.list = append(h.list, Hidden{Reason: reason, Text: text})
}

// finish stores the records in p and notes what did not fit.
func (h *hiddenLog) finish(p *Page) {
	p.Hidden = h.list
	if h.dropped > 0 {
		p.note("%d more hidden texts not listed", h.dropped)
	}
}

// textOf returns the text under n, tags stripped from raw-text elements
// (noscript holds markup as text), stopping after about limit runes.
func textOf(n *html.Node, limit int) string {
	var b strings.Builder
	walk(n, func(c *html.Node) bool {
		if b.Len() > 4*limit {
			return false
		}
		switch c.Type {
		case html.TextNode:
			t := c.Data
			if p := c.Parent; p != nil && (p.DataAtom == atom.Noscript || p.DataAtom == atom.Iframe) {
				t = stripTags(t)
			}
			b.WriteString(t)
			b.WriteByte(' ')
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Script, atom.Style:
				return false
			case atom.Img:
				b.WriteString(attr(c, "alt"))
				b.WriteByte(' ')
			}
			return true
		}
		return c == n
	}, nil)
	return b.String()
}

// stripTags returns the text of an HTML fragment held as raw text.
func stripTags(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
}
