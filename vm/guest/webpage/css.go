package webpage

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// decl is one CSS declaration, property and value lower-cased with
// escapes decoded and comments removed.
type decl struct {
	prop, val string
	important bool
}

// styleProps are the properties the hidden-text checks read. Stylesheet
// rules are read for the same properties except those in inlineOnly.
var styleProps = map[string]bool{
	"display": true, "visibility": true, "opacity": true, "font-size": true,
	"width": true, "height": true, "max-width": true, "max-height": true,
	"overflow": true, "overflow-x": true, "overflow-y": true,
	"clip": true, "clip-path": true, "position": true,
	"left": true, "top": true, "right": true, "bottom": true,
	"margin-left": true, "margin-top": true, "text-indent": true, "transform": true,
	"color": true, "background": true, "background-color": true, "background-image": true,
	"background-clip": true, "-webkit-background-clip": true,
	"-webkit-text-fill-color": true, "filter": true, "content-visibility": true,
}

// inlineOnly are the properties honoured only in style attributes:
// stylesheet opacity, filter and transform rules are mostly script-driven
// animations, font-size 0 an inline-block layout hack, and text colour
// from a stylesheet is too often paired with a background from an
// external one.
var inlineOnly = map[string]bool{
	"opacity": true, "font-size": true, "color": true, "transform": true, "filter": true,
	"-webkit-text-fill-color": true,
}

// parseDecls parses a declaration list ("a: b; c: d !important"),
// keeping the properties in styleProps.
func parseDecls(s string) []decl {
	var ds []decl
	for _, part := range splitTop(stripComments(s), ';') {
		prop, val, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(unescapeCSS(prop)))
		if !styleProps[prop] {
			continue
		}
		val = strings.ToLower(strings.TrimSpace(unescapeCSS(val)))
		d := decl{prop: prop, val: val}
		if i := strings.LastIndexByte(val, '!'); i >= 0 && strings.TrimSpace(val[i+1:]) == "important" {
			d.val, d.important = strings.TrimSpace(val[:i]), true
		}
		ds = append(ds, d)
	}
	return ds
}

// splitTop splits s at sep outside quotes, parentheses and braces.
func splitTop(s string, sep byte) []string {
	var out []string
	start := 0
	eachTop(s, "({[", ")}]", func(i int) bool {
		if s[i] == sep {
			out = append(out, s[start:i])
			start = i + 1
		}
		return true
	})
	return append(out, s[start:])
}

// eachTop calls fn with the index of each byte of s that is outside
// quotes, backslash escapes and the brackets in open and close (matched
// by depth only), until fn returns false. A closing bracket with nothing
// open is passed to fn: it ends an enclosing block.
func eachTop(s, open, close string, fn func(i int) bool) {
	depth, quote := 0, byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case strings.IndexByte(open, c) >= 0:
			depth++
		case strings.IndexByte(close, c) >= 0 && depth > 0:
			depth--
		case depth == 0: // includes an unmatched closing bracket
			if !fn(i) {
				return
			}
		}
	}
}

// stripComments removes /* ... */ comments; an unterminated one runs to
// the end, as in CSS.
func stripComments(s string) string {
	i := strings.Index(s, "/*")
	if i < 0 {
		return s
	}
	var b strings.Builder
	for i >= 0 {
		b.WriteString(s[:i])
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			return b.String()
		}
		s = s[i+2+j+2:]
		b.WriteByte(' ')
		i = strings.Index(s, "/*")
	}
	b.WriteString(s)
	return b.String()
}

// unescapeCSS decodes CSS escapes: a backslash and 1-6 hex digits (and
// one following space) is that code point, a backslash and any other
// character is that character.
func unescapeCSS(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		j := i + 1
		for j < len(s) && j < i+7 && isHex(s[j]) {
			j++
		}
		if j == i+1 {
			_, size := utf8.DecodeRuneInString(s[j:])
			b.WriteString(s[j : j+size])
			i = j + size - 1
			continue
		}
		v, _ := strconv.ParseUint(s[i+1:j], 16, 32)
		r := rune(v)
		if r == 0 || r > utf8.MaxRune || (r >= 0xD800 && r <= 0xDFFF) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		if j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n') {
			j++
		}
		i = j - 1
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// cssLength parses a length or number ("-9999px", "0", "1.5em") into CSS
// pixels: em and rem count 16px, percentages and viewport units are taken
// against a 1280x800 screen, roughly. ok is false for anything else
// (auto, calc(), keywords).
func cssLength(v string) (px float64, ok bool) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && (v[i] == '-' || v[i] == '+' || v[i] == '.' || '0' <= v[i] && v[i] <= '9') {
		i++
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	if err != nil {
		return 0, false
	}
	switch unit := v[i:]; unit {
	case "", "px":
		return n, true
	case "em", "rem", "ch", "ex":
		return n * 16, true
	case "pt":
		return n * 4 / 3, true
	case "pc":
		return n * 16, true
	case "in":
		return n * 96, true
	case "cm":
		return n * 96 / 2.54, true
	case "mm":
		return n * 96 / 25.4, true
	case "%", "vw", "vmax":
		return n * 12.8, true
	case "vh", "vmin":
		return n * 8, true
	}
	return 0, false
}

// Desktop viewport media queries are evaluated against.
const (
	viewportWidth  = 1280
	viewportHeight = 800
)

// mediaMatches evaluates a media query list roughly for a desktop screen
// of viewportWidth x viewportHeight in light mode: print and speech do
// not match, width and height features are compared, dark mode, portrait
// and coarse pointers do not match, anything else does.
func mediaMatches(q string) bool {
	for _, one := range splitTop(strings.ToLower(q), ',') {
		if mediaQuery(strings.TrimSpace(one)) {
			return true
		}
	}
	return false
}

// mediaQuery evaluates one media query of a list.
func mediaQuery(q string) bool {
	neg := false
	if rest, ok := strings.CutPrefix(q, "not "); ok {
		neg, q = true, rest
	}
	q = strings.TrimPrefix(q, "only ")
	ok := true
	for q != "" && ok {
		q = strings.TrimSpace(q)
		if q == "" {
			break
		}
		if q[0] == '(' {
			end := strings.IndexByte(q, ')')
			if end < 0 {
				end = len(q)
			}
			ok = mediaFeature(q[1:end])
			q = q[min(end+1, len(q)):]
			continue
		}
		word := q
		if i := strings.IndexAny(q, " ("); i >= 0 {
			word = q[:i]
		}
		q = q[len(word):]
		switch word {
		case "print", "speech", "tv", "handheld", "projection", "braille", "embossed", "aural", "tty":
			ok = false
		}
	}
	return ok != neg
}

// mediaFeature evaluates "name: value" or a range such as "width >= 48rem".
func mediaFeature(f string) bool {
	if name, val, ok := strings.Cut(f, ":"); ok {
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		px, isLen := cssLength(val)
		switch name {
		case "min-width":
			return !isLen || viewportWidth >= px
		case "max-width":
			return !isLen || viewportWidth <= px
		case "min-height":
			return !isLen || viewportHeight >= px
		case "max-height":
			return !isLen || viewportHeight <= px
		case "prefers-color-scheme":
			return val != "dark"
		case "orientation":
			return val != "portrait"
		case "pointer", "any-pointer":
			return val != "coarse"
		case "hover", "any-hover":
			return val != "none"
		}
		return true
	}
	for _, op := range []string{">=", "<=", ">", "<"} {
		l, r, ok := strings.Cut(f, op)
		if !ok {
			continue
		}
		l, r = strings.TrimSpace(l), strings.TrimSpace(r)
		flip := map[string]string{">=": "<=", "<=": ">=", ">": "<", "<": ">"}
		if l != "width" && l != "height" {
			l, r, op = r, l, flip[op]
		}
		px, isLen := cssLength(r)
		if !isLen {
			return true
		}
		have := float64(viewportWidth)
		if l == "height" {
			have = viewportHeight
		} else if l != "width" {
			return true
		}
		switch op {
		case ">=":
			return have >= px
		case "<=":
			return have <= px
		case ">":
			return have > px
		default:
			return have < px
		}
	}
	return true
}
