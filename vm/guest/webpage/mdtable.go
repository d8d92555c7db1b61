package webpage

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Table limits.
const (
	maxColumns     = 64    // columns of a pipe table; cells past it are dropped
	maxLayoutCheck = 10000 // nodes looked at for nested tables before assuming layout
)

// table renders a data table as a GitHub pipe table: the first row is the
// header, cells are one line with '|' escaped, colspan repeats empty
// cells. Layout tables (role=presentation or none, fewer than two rows
// or columns, or tables in cells) are rendered as blocks instead.
func (c *conv) table(n *html.Node) {
	if c.w.inline {
		c.w.softSpace()
		c.children(n)
		c.w.softSpace()
		return
	}
	rows, caption := c.rows(n)
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	role := strings.ToLower(strings.TrimSpace(attr(n, "role")))
	if role == "presentation" || role == "none" || len(rows) < 2 || cols < 2 || nestedTable(rows) {
		c.blockElem(n)
		return
	}
	cols = min(cols, maxColumns)
	c.w.block(2)
	if caption != nil {
		c.w.table = true
		md, _, _, _ := c.sub(caption)
		c.w.table = false
		c.w.literal(strings.TrimSpace(md))
		c.w.block(2)
	}
	for i, r := range rows {
		cells := make([]string, 0, cols)
		for _, cell := range r {
			if len(cells) == cols {
				break
			}
			md, span := "", 1
			if cell != nil {
				span, _ = strconv.Atoi(strings.TrimSpace(attr(cell, "colspan")))
				saved := c.w.table
				c.w.table = true
				md, _, _, _ = c.sub(cell)
				c.w.table = saved
				md = strings.TrimSpace(md)
			}
			cells = append(cells, md)
			for j := 1; j < span && len(cells) < cols; j++ {
				cells = append(cells, "")
			}
		}
		for len(cells) < cols {
			cells = append(cells, "")
		}
		c.w.literal("| " + strings.Join(cells, " | ") + " |")
		c.w.block(1)
		if i == 0 {
			c.w.literal("|" + strings.Repeat(" --- |", cols))
			c.w.block(1)
		}
	}
	c.w.block(2)
}

// rows returns the visible rows of a table (directly or in thead, tbody,
// tfoot) as their cells, a hidden cell as nil, and the caption.
func (c *conv) rows(t *html.Node) (rows [][]*html.Node, caption *html.Node) {
	row := func(tr *html.Node) {
		var cells []*html.Node
		for td := tr.FirstChild; td != nil; td = td.NextSibling {
			if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
				if c.skip(td) {
					cells = append(cells, nil)
				} else {
					cells = append(cells, td)
				}
			}
		}
		rows = append(rows, cells)
	}
	for ch := t.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.Type != html.ElementNode || c.skip(ch) {
			continue
		}
		switch ch.DataAtom {
		case atom.Caption:
			caption = ch
		case atom.Tr:
			row(ch)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for tr := ch.FirstChild; tr != nil; tr = tr.NextSibling {
				if tr.Type == html.ElementNode && tr.DataAtom == atom.Tr && !c.skip(tr) {
					row(tr)
				}
			}
		}
	}
	return rows, caption
}

// nestedTable reports whether a cell holds a table, giving up (true)
// after maxLayoutCheck nodes.
func nestedTable(rows [][]*html.Node) bool {
	seen, found := 0, false
	for _, r := range rows {
		for _, cell := range r {
			if cell == nil {
				continue
			}
			walk(cell, func(n *html.Node) bool {
				seen++
				if n.DataAtom == atom.Table || seen > maxLayoutCheck {
					found = true
				}
				return !found
			}, nil)
			if found {
				return true
			}
		}
	}
	return false
}
