package classifier

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a lower-cased word or a run of CJK characters with its byte span.
type token struct {
	text       string
	start, end int
	cjk        bool
	// boundary reports that a line or sentence ended before this token.
	boundary bool
}

func isCJK(r rune) bool {
	if r < 0x1100 {
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || r == 'ー'
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '_'
}

// tokenize calls fn for every token of s in order. It allocates only for
// words containing upper-case or non-ASCII letters.
func tokenize(s string, fn func(t token)) {
	tokenizeLower(s, "", fn)
}

// tokenizeLower is tokenize given asciiLower(s), or "" to compute it when
// first needed.
func tokenizeLower(s, lower string, fn func(t token)) {
	boundary := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && !isAlnum(c) && c != '_' {
			if c == '\n' || c == '!' || c == '?' || c == ';' ||
				(c == '.' && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\n')) {
				boundary = true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isCJK(r) {
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isCJK(r2) || j-i > 240 {
					break
				}
				j += n2
			}
			fn(token{text: s[i:j], start: i, end: j, cjk: true, boundary: boundary})
			boundary = false
			i = j
			continue
		}
		if !isWordRune(r) {
			if r == '。' || r == '！' || r == '？' {
				boundary = true
			}
			i += n
			continue
		}
		j := i + n
		lowerOK := true
		ascii := c < utf8.RuneSelf
		for j < len(s) {
			b := s[j]
			if b < utf8.RuneSelf {
				if !isAlnum(b) && b != '_' && b != '\'' {
					break
				}
				if b >= 'A' && b <= 'Z' {
					lowerOK = false
				}
				j++
				continue
			}
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r2) || isCJK(r2) {
				break
			}
			lowerOK = false
			ascii = false
			j += n2
			if j-i > 64 {
				break
			}
		}
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			lowerOK = false
		}
		w := s[i:j]
		switch {
		case lowerOK:
		case ascii:
			if lower == "" {
				lower = asciiLower(s)
			}
			w = lower[i:j]
		default:
			w = strings.ToLower(w)
		}
		fn(token{text: w, start: i, end: j, boundary: boundary})
		boundary = false
		i = j
	}
}

// stem returns the first stemLen runes of a word.
func stem(w string) string {
	n := 0
	for i := range w {
		if n == stemLen {
			return w[:i]
		}
		n++
	}
	return w
}

// cueSet counts cue categories in a stretch of text.
type cueSet [numCues + 3]int // extra slots: see cueVocative and below

const (
	cueVocative    = numCues
	cueDestination = numCues + 1
	cueImperative  = numCues + 2 // a task change in command position
)

// cuesOf returns the cue categories of a token.
func cuesOf(t token, fn func(cat int)) {
	if t.cjk {
		for i, r := range t.text {
			for _, e := range cjkByRune[r] {
				if strings.HasPrefix(t.text[i:], e.word) {
					fn(e.cat)
				}
			}
		}
		return
	}
	if cat, ok := wordCues[stem(t.text)]; ok {
		fn(cat)
	}
}
