package webpage

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Charsets decode supports, after label normalisation.
const (
	csUTF8    = "utf-8"
	csWin1252 = "windows-1252"
	csUTF16LE = "utf-16le"
	csUTF16BE = "utf-16be"
)

// charsetLabels maps the labels WHATWG gives the supported encodings to
// their names. As in browsers, the Latin-1 and ASCII labels mean
// windows-1252.
var charsetLabels = map[string]string{
	"utf-8": csUTF8, "utf8": csUTF8, "unicode-1-1-utf-8": csUTF8,
	"windows-1252": csWin1252, "cp1252": csWin1252, "x-cp1252": csWin1252,
	"iso-8859-1": csWin1252, "iso8859-1": csWin1252, "iso_8859-1": csWin1252,
	"iso88591": csWin1252, "latin1": csWin1252, "l1": csWin1252, "cp819": csWin1252,
	"ibm819": csWin1252, "csisolatin1": csWin1252, "iso-ir-100": csWin1252,
	"us-ascii": csWin1252, "ascii": csWin1252, "ansi_x3.4-1968": csWin1252,
	"utf-16": csUTF16LE, "utf-16le": csUTF16LE, "utf-16be": csUTF16BE,
}

// win1252 holds the code points of bytes 0x80-0x9F in windows-1252;
// 0xA0-0xFF are the same as in Latin-1 and Unicode.
var win1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// decode returns body as valid UTF-8. The encoding is, in order: a byte
// order mark, the Content-Type charset label, for HTML a <meta> charset in
// the first 1024 bytes, else UTF-8 when the body is valid UTF-8 and
// windows-1252 when it is not (the browsers' default). Unsupported
// charsets are read as UTF-8 with invalid bytes replaced. Conversions are
// noted in p.
func decode(body []byte, label string, isHTML bool, p *Page) string {
	cs, bom := "", 0
	switch {
	case bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")):
		cs, bom = csUTF8, 3
	case bytes.HasPrefix(body, []byte("\xFF\xFE")):
		cs, bom = csUTF16LE, 2
	case bytes.HasPrefix(body, []byte("\xFE\xFF")):
		cs, bom = csUTF16BE, 2
	}
	body = body[bom:]
	if cs == "" && label == "" && isHTML {
		label = metaCharset(body)
	}
	if cs == "" && label != "" {
		label = strings.ToLower(strings.TrimSpace(label))
		var ok bool
		if cs, ok = charsetLabels[label]; !ok {
			p.note("charset %s not supported: read as UTF-8", cutRunes(label, 40))
			cs = csUTF8
		}
		if isHTML && (cs == csUTF16LE || cs == csUTF16BE) && bom == 0 {
			cs = csUTF8 // as browsers do: a UTF-16 label without a BOM lies
		}
	}
	if cs == "" {
		cs = csUTF8
		if !utf8.Valid(body) {
			cs = csWin1252
		}
	}
	switch cs {
	case csWin1252:
		if !isASCII(body) {
			p.note("charset %s converted", cs)
		}
		return decode1252(body)
	case csUTF16LE, csUTF16BE:
		p.note("charset %s converted", cs)
		return decode16(body, cs == csUTF16BE)
	}
	if !utf8.Valid(body) {
		p.note("invalid UTF-8 replaced")
		return strings.ToValidUTF8(string(body), "\uFFFD")
	}
	return string(body)
}

// metaCharset returns the charset label of the first <meta charset> or
// <meta http-equiv=content-type content="...charset=..."> within the first
// 1024 bytes, or "".
func metaCharset(body []byte) string {
	if len(body) > 1024 {
		body = body[:1024]
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.DataAtom != atom.Meta {
				continue
			}
			var content string
			for _, a := range t.Attr {
				switch a.Key {
				case "charset":
					return a.Val
				case "content":
					content = a.Val
				}
			}
			lc := strings.ToLower(content)
			if i := strings.Index(lc, "charset="); i >= 0 {
				v := strings.Trim(lc[i+len("charset="):], `"' `)
				if j := strings.IndexAny(v, `;"' `); j >= 0 {
					v = v[:j]
				}
				return v
			}
		}
	}
}

// isASCII reports whether b holds only 7-bit bytes.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// decode1252 converts windows-1252 (and so Latin-1 and ASCII) to UTF-8.
func decode1252(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for _, c := range b {
		switch {
		case c < 0x80:
			sb.WriteByte(c)
		case c < 0xA0:
			sb.WriteRune(win1252[c-0x80])
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String()
}

// decode16 converts UTF-16 to UTF-8; an odd trailing byte and unpaired
// surrogates become U+FFFD.
func decode16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	s := string(utf16.Decode(u))
	if len(b)%2 == 1 {
		s += "\uFFFD"
	}
	return s
}
