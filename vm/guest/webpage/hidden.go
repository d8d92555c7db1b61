package webpage

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Thresholds of the hidden-text checks.
const (
	offScreen   = -1000 // px: left/top/right/margins at or past this are off-screen
	offIndent   = -999  // px: text-indent at or past this moves text off-screen
	maxOpacity  = 0.05  // opacity at or below this is invisible
	maxFontSize = 1     // px: font-size at or below this is unreadable
	maxBoxSize  = 1     // px: a box this small with overflow hidden shows nothing
)

// paint is the colour context an element inherits: the nearest text
// colour set inline and the nearest background painted.
type paint struct {
	fg      colour
	fgSet   bool
	bg      colour
	bgSet   bool // false: no background set anywhere, the page is white
	bgKnown bool // false: an image or gradient, colour unknown
}

// findHidden returns the elements of doc a human reader would not see,
// with the reason, outermost only (their descendants are not visited).
// Hiding of <html> and <body> is ignored (see the package doc) and
// reported by rootHidden.
func findHidden(doc *html.Node, sh *sheet) (hidden map[*html.Node]string, rootHidden bool) {
	hidden = map[*html.Node]string{}
	stack := []paint{{}}
	walk(doc, func(n *html.Node) bool {
		switch n.Type {
		case html.DocumentNode:
			stack = push(stack, stack[len(stack)-1])
			return true
		case html.ElementNode:
		default:
			return false
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Head:
			if n.Namespace == "" {
				return false
			}
		}
		reason, p := hiddenReason(n, sh.computed(n), stack[len(stack)-1])
		if reason == "" && hidingClass(n, sh) {
			reason = ReasonClass
		}
		if reason != "" {
			if isHTML(n) && (n.DataAtom == atom.Html || n.DataAtom == atom.Body) {
				rootHidden = true
			} else {
				hidden[n] = reason
				return false
			}
		}
		stack = push(stack, p)
		return true
	}, func(*html.Node) { stack = stack[:len(stack)-1] })
	return hidden, rootHidden
}

// hidingClasses are the utility classes that CSS frameworks (Bootstrap,
// Tailwind, WordPress, Drupal, HTML5 Boilerplate) define to hide an
// element, in stylesheets Parse does not see.
var hidingClasses = wordSet("hidden d-none invisible is-hidden sr-only visually-hidden visuallyhidden " +
	"screen-reader-text element-invisible")

// hidingClass reports whether n has a hiding utility class that the
// page's own stylesheets do not define, and no responsive class that may
// show it again on a desktop screen ("md:block", "d-lg-flex").
func hidingClass(n *html.Node, sh *sheet) bool {
	hit := false
	for _, c := range strings.Fields(classAttr(n)) {
		if strings.ContainsRune(c, ':') || responsiveDisplay(c) {
			return false
		}
		hit = hit || hidingClasses[c] && !sh.classes[c]
	}
	return hit
}

// responsiveDisplay reports whether c is a Bootstrap responsive display
// class such as d-md-block.
func responsiveDisplay(c string) bool {
	rest, ok := strings.CutPrefix(c, "d-")
	if !ok {
		return false
	}
	for _, bp := range []string{"sm-", "md-", "lg-", "xl-", "xxl-"} {
		if strings.HasPrefix(rest, bp) {
			return true
		}
	}
	return false
}

// hiddenReason returns why element n is hidden ("" when it is not), given
// its computed style and its parent's paint, and the paint its children
// inherit.
func hiddenReason(n *html.Node, st map[string]winner, parent paint) (string, paint) {
	p := parent
	get := func(prop string) string { return st[prop].val }
	fgHere, bgHere := false, false
	if c, ok := parseColour(get("-webkit-text-fill-color")); ok {
		p.fg, p.fgSet, fgHere = c, true, true
	} else if c, ok := parseColour(get("color")); ok {
		p.fg, p.fgSet, fgHere = c, true, true
	} else if c, ok := parseColour(attr(n, "color")); n.DataAtom == atom.Font && ok {
		p.fg, p.fgSet, fgHere = c, true, true
	} else if c, ok := parseColour(attr(n, "text")); n.DataAtom == atom.Body && ok {
		p.fg, p.fgSet, fgHere = c, true, true
	}
	if img := get("background-image"); img != "" && img != "none" {
		p.bgKnown, p.bgSet, bgHere = false, true, true
	} else {
		bg := get("background-color")
		if bg == "" {
			bg = get("background")
		}
		if bg == "" {
			bg = attr(n, "bgcolor")
		}
		if c, known, set := backgroundColour(bg); set {
			p.bg, p.bgKnown, p.bgSet, bgHere = c, known, true, true
		}
	}

	switch {
	case hasAttr(n, "hidden"):
		return ReasonAttribute, p
	case strings.EqualFold(strings.TrimSpace(attr(n, "aria-hidden")), "true"):
		return ReasonAria, p
	case n.DataAtom == atom.Dialog && isHTML(n) && !hasAttr(n, "open"):
		return ReasonDialog, p
	}
	if st == nil && !fgHere && !bgHere {
		return "", p
	}
	if firstWord(get("display")) == "none" {
		return ReasonDisplay, p
	}
	if v := firstWord(get("visibility")); v == "hidden" || v == "collapse" || get("content-visibility") == "hidden" {
		return ReasonVisibility, p
	}
	if o, ok := number(get("opacity"), 1); ok && o <= maxOpacity {
		return ReasonOpacity, p
	}
	if f, ok := strings.CutPrefix(get("filter"), "opacity("); ok {
		if o, ok := number(strings.TrimSpace(strings.TrimSuffix(f, ")")), 1); ok && o <= maxOpacity {
			return ReasonOpacity, p
		}
	}
	if fs, ok := cssLength(get("font-size")); ok && fs <= maxFontSize {
		return ReasonFontSize, p
	}
	if reason := geometryReason(get); reason != "" {
		return reason, p
	}
	if (fgHere || bgHere) && p.fgSet {
		clipText := get("background-clip") == "text" || get("-webkit-background-clip") == "text"
		switch {
		case p.fg.a <= maxOpacity && !clipText:
			return ReasonTransparent, p
		case !p.bgSet && p.fg.a > 0.5 && p.fg.near(white),
			p.bgSet && p.bgKnown && p.fg.a > 0.5 && p.fg.near(p.bg):
			return ReasonSameColour, p
		}
	}
	return "", p
}

// geometryReason checks the properties that shrink, clip or move an
// element out of sight.
func geometryReason(get func(string) string) string {
	small := func(prop string) bool {
		v, ok := cssLength(get(prop))
		return ok && v <= maxBoxSize
	}
	over := get("overflow") + " " + get("overflow-x") + " " + get("overflow-y")
	if (small("width") || small("height") || small("max-width") || small("max-height")) &&
		(strings.Contains(over, "hidden") || strings.Contains(over, "clip")) {
		return ReasonZeroSize
	}
	if clipped(get("clip"), get("clip-path")) {
		return ReasonClipped
	}
	far := func(prop string, limit float64) bool {
		v, ok := cssLength(firstWord(get(prop)))
		return ok && v <= limit
	}
	pos := firstWord(get("position"))
	if (pos == "absolute" || pos == "fixed") &&
		(far("left", offScreen) || far("top", offScreen) || far("right", offScreen) || far("bottom", offScreen)) {
		return ReasonOffScreen
	}
	if far("text-indent", offIndent) || far("margin-left", offScreen) || far("margin-top", offScreen) {
		return ReasonOffScreen
	}
	fn, args, _ := strings.Cut(get("transform"), "(")
	for _, a := range strings.Fields(strings.NewReplacer(",", " ", ")", " ").Replace(args)) {
		v, ok := cssLength(a)
		switch {
		case !ok:
		case strings.HasPrefix(fn, "translate") && v <= offScreen:
			return ReasonOffScreen
		case strings.HasPrefix(fn, "scale") && v == 0:
			return ReasonZeroSize
		}
	}
	return ""
}

// clipped reports whether clip or clip-path leave nothing visible:
// clip: rect() narrower or lower than 1px, clip-path: inset() of 50% or
// more, a zero circle or ellipse, or a polygon of all-zero points.
func clipped(clip, clipPath string) bool {
	if args, ok := strings.CutPrefix(clip, "rect("); ok {
		f := strings.Fields(strings.NewReplacer(",", " ", ")", " ").Replace(args))
		if len(f) == 4 {
			var v [4]float64
			for i, s := range f {
				x, ok := cssLength(s)
				if !ok {
					return false
				}
				v[i] = x
			}
			return v[1]-v[3] <= maxBoxSize || v[2]-v[0] <= maxBoxSize // right-left, bottom-top
		}
	}
	fn, args, ok := strings.Cut(clipPath, "(")
	if !ok {
		return false
	}
	f := strings.Fields(strings.NewReplacer(",", " ", ")", " ").Replace(args))
	if len(f) == 0 {
		return false
	}
	switch strings.TrimSpace(fn) {
	case "inset":
		v, ok := number(f[0], 100)
		return ok && strings.HasSuffix(f[0], "%") && v >= 50
	case "circle", "ellipse":
		v, ok := cssLength(f[0])
		return ok && v == 0
	case "polygon":
		for _, s := range f {
			if v, ok := cssLength(s); !ok || v != 0 {
				return false
			}
		}
		return true
	}
	return false
}

// firstWord returns the first space-separated word of s.
func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		return s[:i]
	}
	return s
}
