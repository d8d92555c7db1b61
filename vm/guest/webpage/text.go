package webpage

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
)

// kind is how Parse treats a body.
type kind int

const (
	kindBinary kind = iota
	kindHTML
	kindJSON
	kindMarkdown
	kindText // plain text, returned as is
	kindCode // other text formats, returned in a fenced block
)

// maxIndent bounds the indentation depth of pretty-printed JSON.
const maxIndent = 32

// classify decides how to treat a body from its media type, sniffing the
// body when the type is missing or not a text type. A body without a type
// is HTML when it starts like HTML; text/plain is never taken for HTML,
// as browsers do not either.
func classify(mt string, body []byte) kind {
	switch {
	case mt == "text/html" || mt == "application/xhtml+xml":
		return kindHTML
	case mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json"):
		return kindJSON
	case mt == "text/markdown" || mt == "text/x-markdown":
		return kindMarkdown
	case mt == "text/plain":
		return kindText
	case strings.HasPrefix(mt, "text/") || codeLang(mt) != "":
		return kindCode
	}
	if mt == "" && looksHTML(body) {
		return kindHTML
	}
	if !looksText(body) {
		return kindBinary
	}
	if t := bytes.TrimSpace(body); len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t) {
		return kindJSON
	}
	return kindText
}

// codeLang is the fence language for a textual media type, or "".
func codeLang(mt string) string {
	switch {
	case strings.HasSuffix(mt, "xml"):
		return "xml"
	case strings.HasSuffix(mt, "javascript") || strings.HasSuffix(mt, "ecmascript"):
		return "javascript"
	case strings.HasSuffix(mt, "yaml"):
		return "yaml"
	case strings.HasSuffix(mt, "toml"):
		return "toml"
	case strings.HasPrefix(mt, "text/"):
		return strings.TrimPrefix(strings.TrimPrefix(mt, "text/"), "x-")
	}
	return ""
}

// looksHTML reports whether the body starts like an HTML document.
func looksHTML(body []byte) bool {
	head := bytes.ToLower(bytes.TrimLeft(body[:min(len(body), 512)], " \t\r\n\xEF\xBB\xBF"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<!--", "<title", "<div", "<p>", "<meta"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return false
}

// looksText reports whether the first 8 KiB hold text: a UTF-16 byte
// order mark, or no NUL byte and few other control characters.
func looksText(body []byte) bool {
	if bytes.HasPrefix(body, []byte("\xFF\xFE")) || bytes.HasPrefix(body, []byte("\xFE\xFF")) {
		return true
	}
	b := body[:min(len(body), 8192)]
	ctl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return false
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b:
			ctl++
		}
	}
	return ctl*100 <= len(b)
}

// parseText fills p from a non-HTML body already decoded to UTF-8.
func parseText(text, mt string, k kind, base *url.URL, opt Options, p *Page) {
	p.Title = titleFromURL(base)
	var h hiddenLog
	text, tags := visible(strings.ReplaceAll(text, "\r\n", "\n"))
	h.add(ReasonTagChars, tags)
	switch k {
	case kindJSON:
		if t := strings.TrimSpace(text); json.Valid([]byte(t)) {
			text = indentJSON(t, opt.MaxOutput)
		}
		text = fence(text, "json")
	case kindCode:
		text = fence(text, codeLang(mt))
	}
	p.Markdown = text
	h.finish(p)
}

// indentJSON pretty-prints valid JSON with two-space indentation, nesting
// past maxIndent levels staying at that indentation, and stops once the
// output passes limit bytes (Parse then cuts and notes).
func indentJSON(s string, limit int) string {
	var b strings.Builder
	depth, inStr, esc := 0, false, false
	newline := func() {
		b.WriteByte('\n')
		b.WriteString(strings.Repeat("  ", min(max(depth, 0), maxIndent)))
	}
	for i := 0; i < len(s) && b.Len() <= limit; i++ {
		c := s[i]
		if inStr {
			b.WriteByte(c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
		case '"':
			inStr = true
			b.WriteByte(c)
		case '{', '[':
			b.WriteByte(c)
			j := i + 1
			for j < len(s) && strings.IndexByte(" \t\n\r", s[j]) >= 0 {
				j++
			}
			if j < len(s) && (s[j] == '}' || s[j] == ']') {
				b.WriteByte(s[j])
				i = j
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			b.WriteByte(c)
		case ',':
			b.WriteByte(c)
			newline()
		case ':':
			b.WriteString(": ")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// fence wraps s in a fenced code block longer than any backtick run in s.
func fence(s, lang string) string {
	n, run := 3, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			n = max(n, run+1)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", n)
	return f + lang + "\n" + strings.TrimRight(s, "\n") + "\n" + f
}

// invisible reports whether r is a format character no screen shows:
// soft hyphen, Mongolian vowel separator, zero-width space, word joiner
// and invisible operators, BOM, Unicode tags and supplementary variation
// selectors. Zero-width (non-)joiners are kept: scripts and emoji need
// them.
func invisible(r rune) bool {
	switch {
	case r < 0xAD:
		return false
	case r == 0xAD, r == 0x180E, r == 0x200B, r >= 0x2060 && r <= 0x2064, r == 0xFEFF:
		return true
	case r >= 0xE0000 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	}
	return false
}

// visible returns s without invisible characters, and separately the
// ASCII that Unicode tag characters (U+E0020-U+E007E) in s spell: text
// models read and screens do not show.
func visible(s string) (clean, tags string) {
	i := strings.IndexFunc(s, invisible)
	if i < 0 {
		return s, ""
	}
	var b, t strings.Builder
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r >= 0xE0020 && r <= 0xE007E:
			t.WriteRune(r - 0xE0000)
		case invisible(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), t.String()
}

// isSpace reports whether c is HTML whitespace.
func isSpace(c rune) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// collapse trims s and collapses runs of whitespace (including no-break
// spaces) into one space, as browsers render text.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if isSpace(r) || r == 0xA0 {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r >= 0x20 && r != 0x7F {
			b.WriteRune(r)
		}
	}
	return b.String()
}
