package classifier

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxDecode bounds the length of a single encoded run that is decoded, so a
// megabyte of base64 costs one bounded decode rather than many.
const maxDecode = 64 << 10

func isB64(c byte) bool { return b64Table[c] }

var b64Table = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = alnumTable[c] || c == '+' || c == '/' || c == '=' || c == '-' || c == '_'
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// printableRatio returns the share of decoded text that is printable UTF-8.
func printableText(b []byte) bool {
	if len(b) < 8 || !utf8.Valid(b) {
		return false
	}
	bad, letters := 0, 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			bad++
		}
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
			letters++
		}
	}
	return bad == 0 && letters*2 > len(b) && strings.Count(string(b), " ") > 0
}

// decodedIsInstruction reports whether decoded text carries injection cues.
func decodedIsInstruction(s string) (bool, string) {
	if len(findTemplates(s)) > 0 {
		return true, "protocol tokens"
	}
	var st instructionStats
	scanInstructions(s, nil, &st)
	if st.windows > 0 {
		return true, "instruction to an AI"
	}
	return false, ""
}

// findEncoded looks for base64, hex, URL-encoded and ROT13 text that decodes
// to instructions.
func findEncoded(text string) []Finding {
	var fs []Finding
	add := func(start, end int, enc, decoded, why string) {
		fs = append(fs, Finding{Kind: KindEncoded, Start: start, End: end,
			Reason: enc + " decodes to " + why + ": " + quoteShort(decoded)})
	}
	for i := 0; i < len(text); {
		if !isB64(text[i]) || (i > 0 && isB64(text[i-1])) {
			i++
			continue
		}
		j := i
		pct := 0
		for j < len(text) && (isB64(text[j]) || text[j] == '%') {
			if text[j] == '%' {
				pct++
			}
			j++
		}
		run := text[i:j]
		if k := strings.LastIndexByte(strings.TrimRight(run, "="), '='); k >= 0 && pct == 0 {
			run = run[k+1:] // key=value: decode the value
		}
		if len(run) > maxDecode {
			run = run[:maxDecode]
		}
		switch {
		case pct >= 4:
			if d, err := url.PathUnescape(run); err == nil && strings.Count(d, " ") > 1 {
				if ok, why := decodedIsInstruction(d); ok {
					add(i, j, "URL encoding", d, why)
				}
			}
		case len(run) >= 24 && allHex(run) && len(run)%2 == 0:
			if b, err := hex.DecodeString(run); err == nil && printableText(b) {
				if ok, why := decodedIsInstruction(string(b)); ok {
					add(i, j, "hex", string(b), why)
				}
			}
		case len(run) >= 20:
			if b := decodeB64(run); printableText(b) {
				if ok, why := decodedIsInstruction(string(b)); ok {
					add(i, j, "base64", string(b), why)
				}
			}
		}
		i = j
	}
	fs = append(fs, findROT13(text)...)
	return fs
}

func allHex(s string) bool {
	for k := 0; k < len(s); k++ {
		if !isHex(s[k]) {
			return false
		}
	}
	return true
}

func decodeB64(s string) []byte {
	s = strings.TrimRight(s, "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	if len(s)%4 == 1 {
		s = s[:len(s)-1]
	}
	b, err := enc.DecodeString(s)
	if err != nil {
		return nil
	}
	return b
}

func rot13(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+13)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+13)%26
		}
	}
	return string(b)
}

// findROT13 flags lines whose ROT13 transform reads as an instruction while
// the line itself does not contain English cue words.
func findROT13(text string) []Finding {
	var fs []Finding
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		if len(line) >= 20 && len(line) <= 4096 && strings.Count(line, " ") >= 3 && rot13Hint(line) {
			var orig, dec cueSet
			tokenize(line, func(t token) { cuesOf(t, func(c int) { orig[c]++ }) })
			if orig.taskPoints() == 0 {
				r := rot13(line)
				tokenize(r, func(t token) { cuesOf(t, func(c int) { dec[c]++ }) })
				if dec.taskPoints() >= 2 {
					if ok, why := decodedIsInstruction(r); ok {
						fs = append(fs, Finding{Kind: KindEncoded, Start: start, End: end, Reason: "ROT13 decodes to " + why + ": " + quoteShort(r)})
					}
				}
			}
		}
		start = end + 1
	}
	return fs
}

// placeholderHints in a link's query suggest the link is a template for
// leaking data.
var placeholderHints = []string{"{", "}", "<", ">", "$", "[", "secret", "token", "password", "passwd", "apikey", "api_key", "key=",
	"data=", "conversation", "history", "chat", "memory", "summary", "email=", "cookie", "ssn", "credit", "private", "insert", "here"}

// findExfilLinks finds markdown images and links, and HTML image sources,
// whose query string carries data or a placeholder for data.
func findExfilLinks(text string) []Finding {
	return findExfilLinksLower(text, asciiLower(text))
}

// findExfilLinksLower is findExfilLinks given asciiLower(text).
func findExfilLinksLower(text, lower string) []Finding {
	var fs []Finding
	for from := 0; from < len(text); {
		k := strings.Index(lower[from:], "](http")
		kind := "markdown link"
		skip := 2
		if h := strings.Index(lower[from:], "src=\"http"); h >= 0 && (k < 0 || h < k) {
			k, kind, skip = h, "HTML image", 5
		}
		if k < 0 {
			break
		}
		k += from
		urlStart := k + skip
		urlEnd := urlStart
		for urlEnd < len(text) && urlEnd-urlStart < 4096 && !strings.ContainsRune(") \"'\n\t", rune(text[urlEnd])) {
			urlEnd++
		}
		u := lower[urlStart:urlEnd]
		start := k
		if kind == "markdown link" {
			if b := strings.LastIndex(lower[max(0, k-300):k], "["); b >= 0 {
				start = max(0, k-300) + b
				if start > 0 && text[start-1] == '!' {
					start--
					kind = "markdown image"
				}
			}
		}
		if q := strings.IndexByte(u, '?'); q >= 0 {
			if why := suspiciousQuery(u[q+1:]); why != "" {
				fs = append(fs, Finding{Kind: KindExfilLink, Start: start, End: min(len(text), urlEnd+1),
					Reason: kind + " whose query string " + why})
			}
		}
		from = max(urlEnd, k+1)
	}
	return fs
}

func suspiciousQuery(q string) string {
	for _, h := range placeholderHints {
		if strings.Contains(q, h) {
			return "holds a data placeholder " + quoteShort(h)
		}
	}
	for _, kv := range strings.Split(q, "&") {
		_, v, _ := strings.Cut(kv, "=")
		if len(v) >= 40 {
			return "carries a long value"
		}
	}
	return ""
}

// rot13Words are cue words after ROT13 ("ignore", "instructions",
// "assistant", "prompt", "password", "send", "secret", "previous").
var rot13Words = []string{"vtaber", "vafgehpgvba", "nffvfgnag", "cebzcg", "cnffjbeq", "fraq", "frperg", "cerivbhf", "sbejneq", "hcybnq",
	"qvfertneq", "ehyrf", "zbqry", "pbcvybg", "yyz", "ntrag", "fpevcg", "qryrgr", "vzzrqvngryl"}

var rot13Stems = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range rot13Words {
		m[w[:min(len(w), 5)]] = true
	}
	return m
}()

// rot13Hint cheaply pre-filters lines that may hold ROT13 instructions: it
// looks for ASCII words whose first five letters are a ROT13 cue.
func rot13Hint(line string) bool {
	var buf [5]byte
	for i := 0; i < len(line); {
		if !isAlnum(line[i]) {
			i++
			continue
		}
		j := i
		for j < len(line) && isAlnum(line[j]) {
			j++
		}
		if j-i >= 3 {
			n := copy(buf[:], line[i:min(j, i+5)])
			for k := 0; k < n; k++ {
				if buf[k] >= 'A' && buf[k] <= 'Z' {
					buf[k] += 32
				}
			}
			if rot13Stems[string(buf[:n])] {
				return true
			}
		}
		i = j
	}
	return false
}
