package classifier

import (
	"strconv"
	"strings"
)

// voidElements never have content or an end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true,
	"track": true, "wbr": true, "param": true,
}

type openElem struct {
	name   string
	start  int
	hidden string // reason the element is hidden, or ""
}

// findHiddenHTML returns spans of HTML that a browser would not show a human:
// comments and elements hidden by CSS or attributes. Every byte of s is
// visited a bounded number of times, so it runs in linear time.
func findHiddenHTML(s string) []Finding { return findHiddenHTMLLower(s, asciiLower(s)) }

// findHiddenHTMLLower is findHiddenHTML given asciiLower(s).
func findHiddenHTMLLower(s, lower string) []Finding {
	var out []Finding
	var stack []openElem
	hiddenDepth := -1 // index in stack of the outermost hidden element
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			stop := len(s)
			if end >= 0 {
				stop = i + 4 + end + 3
			}
			if hiddenDepth < 0 && strings.TrimSpace(s[i+4:max(i+4, stop-3)]) != "" {
				out = append(out, Finding{Kind: KindHiddenHTML, Start: i, End: stop, Reason: "HTML comment"})
			}
			i = stop
			continue
		}
		tagEnd := scanTagEnd(s, i+1)
		if tagEnd == -1 {
			break // unterminated tag: the rest is not markup
		}
		if tagEnd < 0 {
			i = -tagEnd - 2 // not a tag; resume at the next '<'
			continue
		}
		name, closing := tagName(lower[i+1 : tagEnd])
		if name == "" {
			i++
			continue
		}
		attrs := lower[i+1 : tagEnd]
		next := tagEnd + 1
		if !closing && hiddenDepth < 0 {
			out = append(out, attributeText(s, i+1, attrs, name)...)
		}
		if closing {
			for k := len(stack) - 1; k >= 0 && k >= len(stack)-64; k-- {
				if stack[k].name != name {
					continue
				}
				if hiddenDepth >= 0 && k <= hiddenDepth {
					h := stack[hiddenDepth]
					out = append(out, Finding{Kind: KindHiddenHTML, Start: h.start, End: next, Reason: "text hidden by " + h.hidden})
					hiddenDepth = -1
				}
				stack = stack[:k]
				break
			}
			i = next
			continue
		}
		if name == "script" || name == "style" || name == "textarea" || name == "title" {
			end := strings.Index(lower[next:], "</"+name)
			if end < 0 {
				break
			}
			i = next + end
			continue
		}
		selfClosing := strings.HasSuffix(attrs, "/")
		if voidElements[name] || selfClosing {
			i = next
			continue
		}
		reason := hiddenReason(attrs)
		stack = append(stack, openElem{name: name, start: i, hidden: reason})
		if reason != "" && hiddenDepth < 0 {
			hiddenDepth = len(stack) - 1
		}
		i = next
	}
	if hiddenDepth >= 0 {
		h := stack[hiddenDepth]
		out = append(out, Finding{Kind: KindHiddenHTML, Start: h.start, End: len(s), Reason: "text hidden by " + h.hidden + " (unclosed)"})
	}
	return out
}

// scanTagEnd returns the index of the '>' closing a tag starting before from,
// honouring quoted attribute values. It returns -1 if the input ends first and
// -(k+2) if a '<' at k starts before the tag closes.
func scanTagEnd(s string, from int) int {
	var quote byte
	for k := from; k < len(s); k++ {
		c := s[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return k
		case c == '<':
			return -(k + 2)
		}
	}
	return -1
}

func tagName(t string) (name string, closing bool) {
	if strings.HasPrefix(t, "/") {
		closing = true
		t = t[1:]
	}
	k := 0
	for k < len(t) && (isAlnum(t[k]) || t[k] == '-') {
		k++
	}
	if k == 0 || !(t[0] >= 'a' && t[0] <= 'z') {
		return "", false
	}
	return t[:k], closing
}

// hiddenReason inspects lower-cased tag attributes for ways of hiding text.
func hiddenReason(attrs string) string {
	if hasAttr(attrs, "hidden") {
		return "hidden attribute"
	}
	if strings.Contains(attrs, `aria-hidden="true"`) || strings.Contains(attrs, "aria-hidden='true'") {
		return "aria-hidden"
	}
	style := attrValue(attrs, "style")
	if style == "" {
		return ""
	}
	decl := parseStyle(style)
	switch {
	case decl["display"] == "none":
		return "display:none"
	case decl["visibility"] == "hidden" || decl["visibility"] == "collapse":
		return "visibility:hidden"
	case isZeroLength(decl["font-size"]):
		return "zero font-size"
	case isZeroNumber(decl["opacity"]):
		return "zero opacity"
	case (decl["position"] == "absolute" || decl["position"] == "fixed") &&
		(farNegative(decl["left"]) || farNegative(decl["top"]) || farNegative(decl["right"])):
		return "off-screen positioning"
	case farNegative(decl["text-indent"]) || farNegative(decl["margin-left"]):
		return "off-screen positioning"
	case strings.Contains(decl["clip"], "rect(0") || strings.Contains(decl["clip-path"], "inset(50%") ||
		(isZeroLength(decl["height"]) && decl["overflow"] == "hidden") ||
		(isZeroLength(decl["width"]) && decl["overflow"] == "hidden"):
		return "clipping"
	}
	fg, bg := decl["color"], decl["background-color"]
	if bg == "" {
		bg = decl["background"]
	}
	if fg != "" && bg != "" && normColor(fg) == normColor(bg) {
		return "text coloured like its background"
	}
	if bg == "" && (normColor(fg) == "#ffffff" || fg == "transparent") {
		return "white or transparent text"
	}
	return ""
}

func hasAttr(attrs, name string) bool {
	for _, f := range strings.Fields(attrs) {
		if f == name || strings.HasPrefix(f, name+"=") {
			return true
		}
	}
	return false
}

func attrValue(attrs, name string) string {
	for from := 0; ; {
		k := strings.Index(attrs[from:], name)
		if k < 0 {
			return ""
		}
		k += from
		rest := strings.TrimLeft(attrs[k+len(name):], " ")
		if (k == 0 || attrs[k-1] == ' ' || attrs[k-1] == '\t' || attrs[k-1] == '\n') && strings.HasPrefix(rest, "=") {
			rest = strings.TrimLeft(rest[1:], " ")
			if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
				if e := strings.IndexByte(rest[1:], rest[0]); e >= 0 {
					return rest[1 : 1+e]
				}
				return rest[1:]
			}
			if e := strings.IndexAny(rest, " \t\n/"); e >= 0 {
				return rest[:e]
			}
			return rest
		}
		from = k + len(name)
	}
}

func parseStyle(style string) map[string]string {
	m := map[string]string{}
	for _, d := range strings.Split(style, ";") {
		k, v, ok := strings.Cut(d, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important"))
		m[strings.TrimSpace(k)] = v
	}
	return m
}

func isZeroNumber(v string) bool {
	if v == "" {
		return false
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	return err == nil && f < 0.05
}

func isZeroLength(v string) bool {
	v = strings.TrimSpace(v)
	for _, u := range []string{"px", "pt", "em", "rem", "%", "vw", "vh"} {
		v = strings.TrimSuffix(v, u)
	}
	f, err := strconv.ParseFloat(v, 64)
	return err == nil && f <= 0.5 && f >= 0
}

func farNegative(v string) bool {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "-") {
		return false
	}
	num := strings.TrimRight(v[1:], "abcdefghijklmnopqrstuvwxyz%")
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return false
	}
	if strings.HasSuffix(v, "em") || strings.HasSuffix(v, "rem") {
		f *= 16
	}
	return f >= 500
}

var namedColors = map[string]string{"white": "#ffffff", "black": "#000000", "#fff": "#ffffff", "#000": "#000000",
	"rgb(255,255,255)": "#ffffff", "rgb(0,0,0)": "#000000"}

func normColor(c string) string {
	c = strings.ReplaceAll(strings.TrimSpace(c), " ", "")
	if n, ok := namedColors[c]; ok {
		return n
	}
	return c
}

func isAlnum(c byte) bool { return alnumTable[c] }

// alnumTable marks ASCII letters and digits; a table lookup is the
// cheapest test in the tokenizer's inner loop.
var alnumTable = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
	}
	return t
}()

// asciiLower lower-cases ASCII letters only, so byte offsets are preserved.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !(s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// attrTextMin is the length from which text in an attribute counts as a
// hidden channel: longer than a caption or a tooltip usually is.
const attrTextMin = 80

// attributeText reports long text in attributes a page reader does not
// see as page text (alt, title, aria-label, placeholder, and meta
// content): a place to hide instructions for a model reading the source.
// attrs is lower-cased and starts at s[off].
func attributeText(s string, off int, attrs, tag string) []Finding {
	var out []Finding
	for _, a := range []string{"alt", "title", "aria-label", "placeholder", "content"} {
		if a == "content" && tag != "meta" {
			continue
		}
		v := attrValue(attrs, a)
		if len(v) < attrTextMin {
			continue
		}
		if k := strings.Index(attrs, v); k >= 0 {
			out = append(out, Finding{Kind: KindHiddenHTML, Start: off + k, End: off + k + len(v),
				Reason: "long text in the " + a + " attribute (not shown as page text)"})
		}
	}
	return out
}
