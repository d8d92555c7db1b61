package classifier

import "strings"

// htmlElements are the element names maskMarkup treats as markup. Tags
// with other names (<system>, <important>, <tool_call>) are left alone:
// they are not HTML, and imitating a protocol with them is evidence.
var htmlElements = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`a abbr address article aside audio b bdi bdo blockquote body br button canvas caption
		cite code col colgroup data datalist dd del details dfn dialog div dl dt em fieldset figcaption figure footer form
		h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main mark menu meta meter nav
		noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script section select
		small source span strong style sub summary sup svg table tbody td template textarea tfoot th thead time title tr
		track u ul var video wbr path g rect circle use center font`) {
		htmlElements[n] = true
	}
}

// textAttrs are attributes whose values a reader may see (or a model may
// be shown), so their text stays visible to the instruction detector.
var textAttrs = []string{"alt", "title", "aria-label", "placeholder", "content", "value", "label", "summary", "data-tooltip"}

// maskMarkup returns s with HTML markup replaced by spaces, byte for byte,
// so spans in the result are spans in s. Kept: text between tags, the
// text of comments (hidden text is evidence, not markup), and the values
// of the attributes in textAttrs. Masked: tag names, other attributes,
// and the content of <script> and <style>. The model and the instruction
// detector read the result, so the words of the page count, not its
// markup. It runs in linear time.
func maskMarkup(s string) string {
	m, _ := maskMarkupLower(s, asciiLower(s))
	return m
}

// maskMarkupLower is maskMarkup given lower = asciiLower(s); it also
// returns asciiLower of the result.
func maskMarkupLower(s, lower string) (string, string) {
	if strings.IndexByte(s, '<') < 0 {
		return s, lower
	}
	b := []byte(s)
	bl := []byte(lower)
	blank := func(from, to int) {
		for k := from; k < to; k++ {
			if b[k] != '\n' {
				b[k] = ' '
				bl[k] = ' '
			}
		}
	}
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				blank(i, i+4)
				break
			}
			blank(i, i+4)
			blank(i+4+end, i+4+end+3)
			i += 4 + end + 3
			continue
		}
		name, closing := tagName(lower[i+1 : min(len(s), i+64)])
		if !htmlElements[name] && !strings.HasPrefix(s[i:], "<!") {
			i++
			continue
		}
		end := scanTagEnd(s, i+1)
		if end < 0 {
			i++
			continue
		}
		attrs := lower[i+1 : end]
		keep := make([][2]int, 0, 2)
		for _, a := range textAttrs {
			if v := attrValue(attrs, a); v != "" {
				if k := strings.Index(attrs, v); k >= 0 {
					keep = append(keep, [2]int{i + 1 + k, i + 1 + k + len(v)})
				}
			}
		}
		blank(i, end+1)
		for _, r := range keep {
			copy(b[r[0]:r[1]], s[r[0]:r[1]])
			copy(bl[r[0]:r[1]], lower[r[0]:r[1]])
		}
		i = end + 1
		if !closing && (name == "script" || name == "style") {
			close := strings.Index(lower[i:], "</"+name)
			if close < 0 {
				blank(i, len(s))
				break
			}
			blank(i, i+close)
			i += close
		}
	}
	return string(b), string(bl)
}
