package webpage

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Stylesheet limits.
const (
	maxRules         = 4096  // rules kept from all <style> elements
	maxRulesPerKey   = 64    // rules kept per id, class or tag
	maxRuleChecks    = 512   // rules tried per element
	maxClasses       = 32    // classes of an element looked at
	maxAtRuleNesting = 4     // @media/@supports nesting followed
	maxClassNames    = 10000 // classes remembered as defined by the page
)

// sheet holds the simple rules of a page's <style> elements, indexed by
// the id, class or tag they require.
type sheet struct {
	byID, byClass, byTag map[string][]*rule
	any                  []*rule
	classes              map[string]bool // classes named by simple selectors, whatever they set
	n                    int
	dropped              int
}

// rule is a compound selector (tag, ids, classes; no combinators,
// pseudo-classes or attributes) with the declarations it sets.
type rule struct {
	tag     string // "" matches any element
	ids     []string
	classes []string
	spec    int // specificity: ids, classes and tag as decimal digits
	order   int
	decls   []decl
}

func newSheet() *sheet {
	return &sheet{byID: map[string][]*rule{}, byClass: map[string][]*rule{}, byTag: map[string][]*rule{},
		classes: map[string]bool{}}
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

// add parses a stylesheet and keeps its simple rules that set a property
// the hidden-text checks read. Rules in @media blocks count when the
// query matches a desktop screen (mediaMatches); other at-rules are
// skipped, except @supports and @layer whose rules count.
func (sh *sheet) add(css string) {
	sh.parse(stripComments(css), 0)
}

func (sh *sheet) parse(css string, depth int) {
	for i := 0; i < len(css); {
		open := indexTop(css[i:], '{')
		if open < 0 {
			return
		}
		semi := indexTop(css[i:i+open], ';')
		prelude := strings.TrimSpace(css[i : i+open])
		if semi >= 0 && semi < open && strings.HasPrefix(strings.TrimSpace(css[i:i+semi]), "@") {
			i += semi + 1 // @import, @charset, @namespace
			continue
		}
		body, next := block(css, i+open)
		i = next
		if strings.HasPrefix(prelude, "@") {
			name, cond, _ := strings.Cut(prelude, " ")
			name = strings.ToLower(name)
			if depth < maxAtRuleNesting && (name == "@supports" || name == "@layer" ||
				name == "@media" && mediaMatches(cond)) {
				sh.parse(body, depth+1)
			}
			continue
		}
		var ds []decl
		for _, d := range parseDecls(body) {
			if !inlineOnly[d.prop] {
				ds = append(ds, d)
			}
		}
		for _, sel := range splitTop(prelude, ',') {
			r, ok := parseSelector(sel)
			if !ok {
				continue
			}
			for _, c := range r.classes {
				if len(sh.classes) < maxClassNames {
					sh.classes[c] = true
				}
			}
			if len(ds) > 0 {
				r.decls = ds
				sh.insert(r)
			}
		}
	}
}

// indexTop is the index of c in s outside quotes and parentheses, or -1.
func indexTop(s string, c byte) int {
	at := -1
	eachTop(s, "(", ")", func(i int) bool {
		if s[i] == c {
			at = i
			return false
		}
		return true
	})
	return at
}

// block returns the text between the '{' at css[open] and its matching
// '}', and the index after that brace (len(css) when unterminated).
func block(css string, open int) (string, int) {
	start := min(open+1, len(css))
	end := -1
	eachTop(css[start:], "{", "}", func(i int) bool {
		if css[start+i] == '}' {
			end = start + i
			return false
		}
		return true
	})
	if end < 0 {
		return css[start:], len(css)
	}
	return css[start:end], end + 1
}

// parseSelector parses a compound selector such as "div", ".a", "#b",
// "p.a.b" or "*". ok is false for anything else.
func parseSelector(s string) (*rule, bool) {
	s = strings.TrimSpace(s)
	r := &rule{}
	if strings.HasPrefix(s, "*") {
		s = s[1:]
	} else if s != "" && s[0] != '.' && s[0] != '#' {
		var ok bool
		if r.tag, s, ok = cssIdent(s); !ok {
			return nil, false
		}
		r.tag = strings.ToLower(r.tag)
		r.spec = 1
	}
	for s != "" {
		kind := s[0]
		name, rest, ok := cssIdent(s[1:])
		if !ok {
			return nil, false
		}
		switch kind {
		case '.':
			r.classes = append(r.classes, name)
			r.spec += 100
		case '#':
			r.ids = append(r.ids, name)
			r.spec += 10000
		default:
			return nil, false
		}
		s = rest
	}
	return r, true
}

// cssIdent reads an identifier (letters, digits, '-', '_', non-ASCII and
// escapes) from the start of s, decoding escapes.
func cssIdent(s string) (name, rest string, ok bool) {
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i += 2
		case c == '-' || c == '_' || c >= 0x80 || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			i++
		default:
			return unescapeCSS(s[:i]), s[i:], i > 0
		}
	}
	return unescapeCSS(s), "", i > 0
}

// insert files r under its most specific requirement.
func (sh *sheet) insert(r *rule) {
	if sh.n >= maxRules {
		sh.dropped++
		return
	}
	r.order = sh.n
	var m map[string][]*rule
	var key string
	switch {
	case len(r.ids) > 0:
		m, key = sh.byID, r.ids[0]
	case len(r.classes) > 0:
		m, key = sh.byClass, r.classes[0]
	case r.tag != "":
		m, key = sh.byTag, r.tag
	}
	if m == nil {
		if len(sh.any) >= maxRulesPerKey {
			sh.dropped++
			return
		}
		sh.any = append(sh.any, r)
	} else {
		if len(m[key]) >= maxRulesPerKey {
			sh.dropped++
			return
		}
		m[key] = append(m[key], r)
	}
	sh.n++
}

// winner is the cascaded value of one property.
type winner struct {
	val            string
	important      bool
	spec, order    int
	fromStylesheet bool
}

// beats reports whether a declaration with these priorities overrides w.
func (w winner) beats(important bool, spec, order int) bool {
	if w.val == "" || important != w.important {
		return w.val == "" || important
	}
	if spec != w.spec {
		return spec > w.spec
	}
	return order > w.order
}

// computed returns n's style for the styleProps: the stylesheet cascade
// (importance, specificity, order) overridden by the style attribute
// (unless a stylesheet value is !important and the inline one is not).
// It returns nil when nothing is set.
func (sh *sheet) computed(n *html.Node) map[string]winner {
	var st map[string]winner
	set := func(d decl, spec, order int, fromSheet bool) {
		if st == nil {
			st = map[string]winner{}
		}
		w := st[d.prop]
		if !fromSheet && (!w.important || d.important) || w.beats(d.important, spec, order) {
			st[d.prop] = winner{val: d.val, important: d.important, spec: spec, order: order, fromStylesheet: fromSheet}
		}
	}
	if sh != nil && sh.n > 0 {
		id := attr(n, "id")
		classes := strings.Fields(classAttr(n))
		classes = classes[:min(len(classes), maxClasses)]
		checks := 0
		try := func(rs []*rule) {
			for _, r := range rs {
				if checks++; checks > maxRuleChecks {
					return
				}
				if r.matches(n, id, classes) {
					for i, d := range r.decls {
						set(d, r.spec, r.order<<20+min(i, 1<<20-1), true)
					}
				}
			}
		}
		if id != "" {
			try(sh.byID[id])
		}
		for _, c := range classes {
			try(sh.byClass[c])
		}
		try(sh.byTag[n.Data])
		try(sh.any)
	}
	if s := attr(n, "style"); s != "" {
		for i, d := range parseDecls(s) {
			set(d, 1<<30, i, false)
		}
	}
	return st
}

// matches reports whether r's compound selector matches n.
func (r *rule) matches(n *html.Node, id string, classes []string) bool {
	if r.tag != "" && r.tag != n.Data {
		return false
	}
	for _, want := range r.ids {
		if want != id {
			return false
		}
	}
	for _, want := range r.classes {
		found := false
		for _, c := range classes {
			if c == want {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
