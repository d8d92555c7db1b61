package approvals

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxMarks is how many combining marks in a row are shown as they are;
// longer runs ("Zalgo" text) are escaped from the next mark on.
const maxMarks = 4

// quote renders s between double quotes with every character that could
// hide or fake text made visible: see escapeTo for the rules. Backslashes
// and double quotes are escaped too, so the quoted form is unambiguous.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	escapeTo(&b, s, true)
	b.WriteByte('"')
	return b.String()
}

// escape renders s on one line with hidden characters made visible, like
// quote but without the quotes and leaving backslashes, double quotes and
// tabs alone. It is meant for text that is already framed, such as a diff
// line behind a gutter.
func escape(s string) string {
	var b strings.Builder
	escapeTo(&b, s, false)
	return b.String()
}

// escapeTo writes s to b, replacing each character that is not plainly
// visible by a Go-style escape:
//
//   - bytes that are not valid UTF-8 become \xNN;
//   - newline, carriage return become \n, \r; in quoted mode tab becomes
//     \t, backslash \\ and double quote \";
//   - other C0 controls and DEL become \xNN;
//   - every other character that unicode.IsPrint rejects becomes \uXXXX
//     or \UXXXXXXXX: C1 controls, format characters (bidi embeddings,
//     overrides and isolates U+202A-U+202E and U+2066-U+2069, zero-width
//     space, joiners and marks, word joiner, BOM, soft hyphen, tag
//     characters), spaces other than the ASCII space (no-break space,
//     ideographic space, U+2000-U+200A), line and paragraph separators,
//     private-use, surrogate and unassigned code points;
//   - characters that print as nothing although Unicode calls them
//     letters or marks (Other_Default_Ignorable_Code_Point: Hangul fillers,
//     combining grapheme joiner, U+2065...) and the blank braille pattern
//     U+2800 are escaped the same way;
//   - a combining mark is kept only after a visible character it can
//     attach to, and at most maxMarks in a row; otherwise it is escaped,
//     so a mark cannot attach to the quote or frame around the text.
//
// Hex digits are lower case, so U+202E is shown as \u202e.
func escapeTo(b *strings.Builder, s string, quoted bool) {
	base := false // the last rune written was a visible character
	marks := 0    // combining marks kept since then
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(b, `\x%02x`, s[i])
			i += size
			base = false
			continue
		}
		i += size
		if esc, ok := shortEscape(r, quoted); ok {
			b.WriteString(esc)
			base = false
			continue
		}
		if r < 0x20 || r == 0x7f {
			if r == '\t' && !quoted {
				b.WriteRune(r)
				base = false
				continue
			}
			fmt.Fprintf(b, `\x%02x`, r)
			base = false
			continue
		}
		isMark := unicode.Is(unicode.M, r)
		hidden := !unicode.IsPrint(r) ||
			unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
			r == '\u2800' ||
			(isMark && (!base || marks >= maxMarks))
		if hidden {
			if r <= 0xffff {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				fmt.Fprintf(b, `\U%08x`, r)
			}
			base = false
			continue
		}
		b.WriteRune(r)
		if isMark {
			marks++
		} else {
			base = r != ' '
			marks = 0
		}
	}
}

// shortEscape returns the two-character escape for r, if it has one in
// the given mode.
func shortEscape(r rune, quoted bool) (string, bool) {
	switch r {
	case '\n':
		return `\n`, true
	case '\r':
		return `\r`, true
	}
	if !quoted {
		return "", false
	}
	switch r {
	case '\t':
		return `\t`, true
	case '\\':
		return `\\`, true
	case '"':
		return `\"`, true
	}
	return "", false
}

// truncate cuts s to at most max bytes on a character boundary and
// reports how many bytes were cut.
func truncate(s string, max int) (string, int) {
	if len(s) <= max {
		return s, 0
	}
	cut := max
	for i := 0; i < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(s[cut]); i++ {
		cut--
	}
	return s[:cut], len(s) - cut
}

// Quote is quote for other packages that show untrusted names to the user:
// the text between double quotes, with every character that could hide or
// fake text made visible.
func Quote(s string) string { return quote(s) }
