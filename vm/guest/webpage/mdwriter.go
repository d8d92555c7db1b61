package webpage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// mdWriter accumulates Markdown. Text is whitespace-collapsed as browsers
// render it and escaped; block structure is requested with block and
// lineBreak and written lazily before the next content, so that runs of
// requests collapse and nothing trails. Line prefixes (blockquote "> ",
// list markers and their continuation indent) are a stack.
//
// In inline mode (link text, headings, table cells) every break is a
// space and the result is one line; plain collects the unescaped text.
type mdWriter struct {
	b      strings.Builder
	limit  int
	inline bool
	table  bool // escape '|'
	pfx    []prefix

	nl        int  // line breaks owed: 1 newline, 2 a blank line
	space     bool // a collapsed space is owed
	lineStart bool // the current line has its prefix and no content yet
	lead      bool // inline: whitespace came before any content
	last      rune // last content rune written

	plain strings.Builder // inline: the text without escapes or markup
}

// prefix is a line prefix: first for the first line written under it,
// rest for the lines after.
type prefix struct {
	first, rest string
	used        bool
}

// full reports whether the output has reached its limit.
func (w *mdWriter) full() bool { return w.b.Len() >= w.limit }

// String returns the Markdown.
func (w *mdWriter) String() string { return w.b.String() }

// push adds a line prefix for the lines written until pop.
func (w *mdWriter) push(first, rest string) {
	w.pfx = append(w.pfx, prefix{first: first, rest: rest})
}

// pop removes the last line prefix.
func (w *mdWriter) pop() { w.pfx = w.pfx[:len(w.pfx)-1] }

// block asks for n (1 or 2) line breaks before the next content. A
// prefix pushed and not yet used absorbs the request: the first paragraph
// of a list item or quote starts on the marker's line.
func (w *mdWriter) block(n int) {
	if w.inline {
		w.softSpace()
		return
	}
	if len(w.pfx) > 0 && !w.pfx[len(w.pfx)-1].used {
		return
	}
	w.nl = max(w.nl, n)
	w.space = false
}

// settle lowers the line breaks owed to at most n: a list item ends with
// one, whatever its last block asked.
func (w *mdWriter) settle(n int) { w.nl = min(w.nl, n) }

// lineBreak is <br>: a new line, and a blank line when repeated.
func (w *mdWriter) lineBreak() {
	if w.inline {
		w.softSpace()
		return
	}
	if w.nl >= 1 {
		w.block(2)
	} else {
		w.block(1)
	}
}

// softSpace owes a space, written only between content on one line.
func (w *mdWriter) softSpace() {
	if w.inline && w.b.Len() == 0 {
		w.lead = true
	}
	w.space = true
}

// flush writes the owed breaks, prefixes or space before content.
func (w *mdWriter) flush() {
	switch {
	case w.inline:
		if w.space && w.b.Len() > 0 {
			w.b.WriteByte(' ')
			w.plain.WriteByte(' ')
			w.last = ' '
		}
	case w.b.Len() == 0:
		w.linePrefix()
	case w.nl > 0:
		w.b.WriteByte('\n')
		if w.nl == 2 {
			w.blankPrefix()
			w.b.WriteByte('\n')
		}
		w.linePrefix()
		w.last = '\n'
	case w.space && !w.lineStart:
		w.b.WriteByte(' ')
		w.last = ' '
	}
	w.nl, w.space = 0, false
}

// linePrefix starts a line with the prefixes.
func (w *mdWriter) linePrefix() {
	for i := range w.pfx {
		p := &w.pfx[i]
		if p.used {
			w.b.WriteString(p.rest)
		} else {
			w.b.WriteString(p.first)
			p.used = true
		}
	}
	w.lineStart = true
}

// blankPrefix writes the prefixes of a blank line: the used ones'
// continuation, trailing spaces trimmed (">" inside a quote).
func (w *mdWriter) blankPrefix() {
	var s strings.Builder
	for _, p := range w.pfx {
		if p.used {
			s.WriteString(p.rest)
		}
	}
	w.b.WriteString(strings.TrimRight(s.String(), " "))
}

// literal writes Markdown syntax (or already escaped text) as is.
func (w *mdWriter) literal(s string) {
	if s == "" || w.full() {
		return
	}
	w.flush()
	w.b.WriteString(s)
	w.lineStart = false
	w.last, _ = utf8.DecodeLastRuneInString(s)
}

// rawLines writes lines (of a code block) as is, each on its own line
// under the current prefixes.
func (w *mdWriter) rawLines(s string) {
	for _, line := range strings.Split(s, "\n") {
		if w.full() {
			return
		}
		w.b.WriteByte('\n')
		w.linePrefix()
		w.b.WriteString(line)
	}
	w.lineStart = false
}

// text writes text: whitespace collapsed, Markdown escaped.
func (w *mdWriter) text(s string) {
	for i := 0; i < len(s) && !w.full(); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if isSpace(r) || r == 0xA0 {
			w.softSpace()
			continue
		}
		if r < 0x20 || r == 0x7F {
			continue
		}
		next, _ := utf8.DecodeRuneInString(s[i:])
		if i == len(s) {
			next = -1
		}
		w.flush()
		if w.inline && w.plain.Len() < 4*maxLinkText {
			w.plain.WriteRune(r)
		}
		switch {
		case w.lineStart && !w.inline:
			i += w.lineStartEscape(r, s[i:])
		case w.escape(r, next):
			w.b.WriteByte('\\')
			w.b.WriteRune(r)
		default:
			w.b.WriteRune(r)
		}
		w.last, w.lineStart = r, false
	}
}

// escape reports whether r needs a backslash, given the rune written
// before it (w.last) and the one after (-1 at the end of a text node).
func (w *mdWriter) escape(r, next rune) bool {
	switch r {
	case '\\', '*', '`', '[', ']':
		return true
	case '_':
		return !wordRune(w.last) || !wordRune(next)
	case '<':
		return next == -1 || next == '/' || next == '!' || next == '?' || unicode.IsLetter(next)
	case '|':
		return w.table
	case '~':
		return next == '~' || w.last == '~'
	}
	return false
}

// lineStartEscape writes r, the first rune on a line, escaping what
// would start a block there (heading, quote, list item, thematic break,
// code fence) and returns how many bytes of rest it wrote too: for "12."
// it writes "12\." up to the dot.
func (w *mdWriter) lineStartEscape(r rune, rest string) int {
	if strings.ContainsRune("#>-+=*\\`[]_<~|", r) {
		w.b.WriteByte('\\')
		w.b.WriteRune(r)
		return 0
	}
	w.b.WriteRune(r)
	if r < '0' || r > '9' {
		return 0
	}
	j := 0
	for j < len(rest) && j < 9 && '0' <= rest[j] && rest[j] <= '9' {
		j++
	}
	if j < len(rest) && (rest[j] == '.' || rest[j] == ')') && (j+1 == len(rest) || rest[j+1] == ' ') {
		w.b.WriteString(rest[:j])
		w.b.WriteByte('\\')
		return j
	}
	return 0
}

// wordRune reports whether r is a letter or digit (so '_' next to it
// cannot start or end emphasis).
func wordRune(r rune) bool {
	return r > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// escapeText escapes s for use inside link or image brackets.
func escapeText(s string) string {
	w := &mdWriter{inline: true, limit: len(s)*2 + 16}
	w.text(s)
	return w.String()
}
