package webpage

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseDOM parses an HTML document. The input is first cut before its
// (MaxTags+1)th '<', which bounds the tree. x/net/html refuses documents
// that nest more than 512 elements; those are parsed again with
// parseSimple, whose tree may be arbitrarily deep, so every walk over the
// tree is iterative (walk) or depth-capped.
func parseDOM(s string, p *Page) *html.Node {
	if strings.Count(s, "<") > MaxTags {
		i, n := 0, 0
		for n <= MaxTags {
			i += strings.IndexByte(s[i:], '<') + 1
			n++
		}
		s = s[:i-1]
		p.note("input cut at %d bytes: more than %d tags", len(s), MaxTags)
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err == nil {
		return doc
	}
	p.note("the HTML parser refused the page (%v): parsed with a simplified parser", err)
	return parseSimple(s)
}

// parseSimple builds a tree from HTML tokens with a few of the HTML5 tree
// construction rules: void elements, end tags that close the nearest open
// element of their name (unmatched ones are ignored), and the implied end
// of p, li, dt/dd, option and table cells and rows when the next sibling
// starts. Head content goes into the body. It makes no depth limit, runs
// in time linear in s (each element is pushed and popped once), and is
// only used for documents x/net/html refuses.
func parseSimple(s string) *html.Node {
	doc := &html.Node{Type: html.DocumentNode}
	root := element(atom.Html)
	body := element(atom.Body)
	doc.AppendChild(root)
	root.AppendChild(body)
	stack := []*html.Node{body}
	open := map[string]int{}
	foreign := 0 // open svg and math elements
	pop := func() {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		open[n.Data]--
		if n.Namespace != "" {
			foreign--
		}
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return doc
		case html.TextToken:
			stack[len(stack)-1].AppendChild(&html.Node{Type: html.TextNode, Data: string(z.Text())})
		case html.CommentToken:
			stack[len(stack)-1].AppendChild(&html.Node{Type: html.CommentNode, Data: string(z.Text())})
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.DataAtom {
			case atom.Html, atom.Body:
				n := root
				if t.DataAtom == atom.Body {
					n = body
				}
				if len(n.Attr) == 0 {
					n.Attr = t.Attr
				}
				continue
			case atom.Head:
				continue
			}
			n := &html.Node{Type: html.ElementNode, Data: t.Data, DataAtom: t.DataAtom, Attr: t.Attr}
			if foreign > 0 || t.DataAtom == atom.Svg || t.DataAtom == atom.Math {
				n.Namespace = "svg"
				if t.DataAtom == atom.Math {
					n.Namespace = "math"
				}
			}
			if n.Namespace == "" && impliedEnd(stack[len(stack)-1], t.DataAtom) {
				pop()
				if t.DataAtom == atom.Tr && impliedEnd(stack[len(stack)-1], t.DataAtom) {
					pop() // a cell, then its row
				}
			}
			stack[len(stack)-1].AppendChild(n)
			if voidElement(t.DataAtom) || (tt == html.SelfClosingTagToken && n.Namespace != "") {
				continue
			}
			stack = push(stack, n)
			open[n.Data]++
			if n.Namespace != "" {
				foreign++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if open[string(name)] == 0 {
				continue
			}
			for stack[len(stack)-1].Data != string(name) {
				pop()
			}
			pop()
		}
	}
}

// impliedEnd reports whether starting an element a ends the open element
// top.
func impliedEnd(top *html.Node, a atom.Atom) bool {
	switch top.DataAtom {
	case atom.P:
		return blockElement(a)
	case atom.Li:
		return a == atom.Li
	case atom.Dt, atom.Dd:
		return a == atom.Dt || a == atom.Dd
	case atom.Option:
		return a == atom.Option || a == atom.Optgroup
	case atom.Td, atom.Th:
		return a == atom.Td || a == atom.Th || a == atom.Tr
	case atom.Tr:
		return a == atom.Tr
	}
	return false
}

// voidElement reports whether a never has content.
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr, atom.Keygen:
		return true
	}
	return false
}

// blockElement reports whether a is displayed as a block by default, so
// that its content starts on a new line.
func blockElement(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Details, atom.Dialog,
		atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Header, atom.Hgroup, atom.Hr, atom.Li, atom.Main, atom.Nav, atom.Ol, atom.P,
		atom.Pre, atom.Section, atom.Summary, atom.Table, atom.Tr, atom.Ul, atom.Caption,
		atom.Tbody, atom.Thead, atom.Tfoot, atom.Center, atom.Menu:
		return true
	}
	return false
}

// element returns a new HTML element node.
func element(a atom.Atom) *html.Node {
	return &html.Node{Type: html.ElementNode, DataAtom: a, Data: a.String()}
}

// walk visits the tree under root in document order without recursion, so
// trees of any depth are safe. enter is called on every node reached; when
// it returns true the node's children are visited and then leave, if not
// nil, is called on the node.
func walk(root *html.Node, enter func(*html.Node) bool, leave func(*html.Node)) {
	n := root
	for {
		if enter(n) {
			if n.FirstChild != nil {
				n = n.FirstChild
				continue
			}
			if leave != nil {
				leave(n)
			}
		}
		for n != root && n.NextSibling == nil {
			n = n.Parent
			if leave != nil {
				leave(n)
			}
		}
		if n == root {
			return
		}
		n = n.NextSibling
	}
}

// push appends v to the stack s, doubling its capacity when full: deep
// trees make long stacks, and append grows large slices by only a
// quarter, copying several times as much.
func push[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		n := make([]T, len(s), 2*len(s)+8)
		copy(n, s)
		s = n
	}
	return append(s, v)
}

// attr returns the value of n's attribute key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// maxAttrScan bounds the bytes of a class or id attribute the
// heuristics look at: a hostile attribute of megabytes costs no more than
// a long one.
const maxAttrScan = 4096

// classAttr returns n's class attribute, cut at maxAttrScan bytes.
func classAttr(n *html.Node) string {
	return cutUTF8(attr(n, "class"), maxAttrScan)
}

// hasAttr reports whether n has the attribute key.
func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return true
		}
	}
	return false
}

// isHTML reports whether n is an element in the HTML namespace.
func isHTML(n *html.Node) bool {
	return n.Type == html.ElementNode && n.Namespace == ""
}

// findBody returns the <body> of doc, else doc itself.
func findBody(doc *html.Node) *html.Node {
	var body *html.Node
	walk(doc, func(n *html.Node) bool {
		if body != nil {
			return false
		}
		if isHTML(n) && n.DataAtom == atom.Body {
			body = n
			return false
		}
		return n.Type == html.DocumentNode || (isHTML(n) && n.DataAtom == atom.Html)
	}, nil)
	if body == nil {
		return doc
	}
	return body
}
