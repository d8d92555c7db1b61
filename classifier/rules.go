package classifier

import (
	"strings"
)

// ruleFindings runs the rule detectors over text (already free of invisible
// characters) and returns findings with spans in text.
func ruleFindings(text string, st *instructionStats) []Finding {
	lower := asciiLower(text)
	return ruleFindingsMasked(text, lower, text, lower, st)
}

// ruleFindingsMasked is ruleFindings where the instruction detector (and
// the model's tokens, collected in st) read words, a copy of text with
// markup blanked out (see maskMarkup); spans are the same in both. The
// lower arguments are asciiLower of text and words.
func ruleFindingsMasked(text, lower, words, wordsLower string, st *instructionStats) []Finding {
	var fs []Finding
	fs = append(fs, findTemplatesLower(text, lower)...)
	fs = append(fs, findExfilLinksLower(text, lower)...)
	fs = append(fs, findEncoded(text)...)
	st.lower = wordsLower
	fs = append(fs, findInstructions(words, st)...)
	return fs
}

// instructionWindow scores a window of one or two sentences.
type instructionWindow struct {
	start, end int
	cues       cueSet
}

// any reports whether any cue category was seen.
func (c *cueSet) any() bool {
	for k := range numCues {
		if c[k] > 0 {
			return true
		}
	}
	return false
}

// taskPoints counts distinct non-addressee, non-meta cue categories.
func (c *cueSet) taskPoints() int {
	n := 0
	for _, k := range []int{cueOverride, cueConvRef, cueSecrecy, cueSend, cueAction, cueSensitive} {
		if c[k] > 0 {
			n++
		}
	}
	return n
}

// isInstruction decides whether a window's cues look like an instruction
// aimed at an AI model rather than at a human reader.
func (c *cueSet) isInstruction() bool {
	p := c.taskPoints()
	a := c[cueAddressee] > 0
	if c[cueMeta] >= 2 {
		return false // writing about attacks; counted separately
	}
	dest := c[cueDestination] > 0
	switch {
	case c[cueVocative] > 0 && p >= 1:
		return true
	case a && p >= 2:
		return true
	case c[cueOverride] > 0 && c[cueConvRef] > 0 && (c[cueImperative] > 0 || c[cueVocative] > 0):
		return true
	case dest && c[cueSend] > 0 && c[cueSensitive] > 0 && (a || c[cueSecrecy] > 0 || c[cueOverride] > 0):
		return true
	}
	return dest && p >= 4
}

func (c *cueSet) describe() string {
	var parts []string
	for k, n := range c {
		if n > 0 && k < numCues {
			parts = append(parts, cueNames[k])
		}
	}
	return strings.Join(parts, ", ")
}

// instructionStats summarises cue evidence over a whole text for the model.
type instructionStats struct {
	maxPoints, windows, metaWindows, metaCues int
	addressed                                 bool
	keep                                      bool    // record tokens in toks
	lower                                     string  // asciiLower of the text, if known
	toks                                      []token // the tokens of the text, if keep
}

// scanInstructions walks sentences and reports each two-sentence window that
// looks like an instruction addressed to an AI.
func scanInstructions(text string, onHit func(w instructionWindow), st *instructionStats) {
	var prev, cur instructionWindow
	cur.start = -1
	eval := func() {
		if cur.start < 0 {
			return
		}
		w := cur
		if prev.start >= 0 {
			w.start = prev.start
			for k := range w.cues {
				w.cues[k] += prev.cues[k]
			}
		}
		if (w.cues[cueSend] > 0 || w.cues.taskPoints() >= 4) && hasDestination(text[w.start:w.end]) {
			w.cues[cueDestination]++
		}
		if p := w.cues.taskPoints(); p > st.maxPoints {
			st.maxPoints = p
		}
		if w.cues[cueVocative] > 0 && w.cues.taskPoints() > 0 {
			st.addressed = true
		}
		if w.cues[cueMeta] >= 2 && w.cues.taskPoints() >= 2 {
			st.metaWindows++
		}
		if w.cues.isInstruction() {
			st.windows++
			if onHit != nil {
				// Report only the sentences that carry cues, so a
				// redaction does not take an innocent neighbour along.
				switch {
				case prev.start >= 0 && !cur.cues.any():
					w.start, w.end = prev.start, prev.end
				case prev.start >= 0 && !prev.cues.any():
					w.start = cur.start
				}
				onHit(w)
			}
		}
		prev, cur = cur, instructionWindow{start: -1}
	}
	prev.start = -1
	var recent [3]string // the previous tokens of the sentence
	inSentence := 0
	tokenizeLower(text, st.lower, func(t token) {
		if t.boundary || (cur.start >= 0 && t.start-cur.start > 400) {
			eval()
			inSentence = 0
			recent = [3]string{}
		}
		if cur.start < 0 {
			cur.start = t.start
		}
		cur.end = t.end
		if t.start > 0 && text[t.start-1] == '<' && protocolTags[t.text] {
			// <IMPORTANT>, <system>...: a block addressed to the model.
			cur.cues[cueAddressee]++
			cur.cues[cueVocative]++
		}
		cuesOf(t, func(cat int) {
			if cat == cueMeta && inAddress(text, t.start, t.end) {
				// "attacker" in collect.attacker.example is a name, not
				// writing about attacks.
				return
			}
			cur.cues[cat]++
			if cat == cueOverride && (inSentence <= 2 || vocativeAfter(text[:t.start], max(0, t.start-2))) {
				cur.cues[cueImperative]++
			}
			if cat == cueMeta && !t.cjk && len(t.text) > 3 {
				st.metaCues++
			}
			if cat == cueAddressee && (t.cjk || vocativeAfter(text, t.end) || addressedBefore(recent)) {
				cur.cues[cueVocative]++
			}
		})
		if st.keep {
			st.toks = append(st.toks, t)
		}
		recent[0], recent[1], recent[2] = recent[1], recent[2], t.text
		inSentence++
	})
	eval()
}

// hasDestination reports whether s names a place to send data: a URL,
// an e-mail address or a host name.
func hasDestination(s string) bool {
	for _, d := range []string{"http", "@", "www.", "webhook"} {
		if strings.Contains(s, d) {
			return true
		}
	}
	// A host name: letters, a dot, a 2-6 letter label, then '/', ':' or
	// the end of the word.
	for k := 1; k+3 < len(s); k++ {
		if s[k] != '.' || !isAlnum(s[k-1]) {
			continue
		}
		j := k + 1
		for j < len(s) && j-k <= 7 && (s[j] >= 'a' && s[j] <= 'z') {
			j++
		}
		if n := j - k - 1; n >= 2 && n <= 6 && j < len(s) && (s[j] == '/' || s[j] == ':') {
			return true
		}
	}
	return false
}

// protocolTags open blocks that imitate instructions to the model.
var protocolTags = map[string]bool{"important": true, "system": true, "instructions": true, "admin": true, "assistant": true, "ai": true, "note": true, "instruction": true}

// addressingWords introduce who a message is for.
var addressingWords = map[string]bool{"dear": true, "attention": true, "note": true, "hey": true, "hello": true, "hi": true,
	"if": true, "you": true, "to": true, "for": true, "pour": true, "para": true, "für": true, "для": true, "querido": true,
	"estimado": true, "cher": true, "chère": true, "liebe": true, "lieber": true, "hinweis": true, "примечание": true,
	"nota": true, "atención": true, "achtung": true, "attention:": true}

func addressedBefore(recent [3]string) bool {
	for _, w := range recent {
		if addressingWords[w] {
			return true
		}
	}
	return false
}

// vocativeAfter reports whether the word ending at end is followed by a
// colon or comma, as in "Assistant:" or "Dear model,".
func vocativeAfter(text string, end int) bool {
	for k := end; k < len(text) && k < end+24; k++ {
		switch c := text[k]; {
		case c == ':' || c == ',':
			return true
		case c == ' ' || c == '-' || c == '\'' || isAlnum(c):
		default:
			return strings.HasPrefix(text[k:], "：") || strings.HasPrefix(text[k:], "，")
		}
	}
	return false
}

func findInstructions(text string, st *instructionStats) []Finding {
	var fs []Finding
	scanInstructions(text, func(w instructionWindow) {
		if n := len(fs); n > 0 && fs[n-1].End >= w.start {
			fs[n-1].End = max(fs[n-1].End, w.end)
			return
		}
		fs = append(fs, Finding{Kind: KindAIInstruction, Start: w.start, End: w.end,
			Reason: "instruction cues: " + w.cues.describe()})
	}, st)
	return fs
}

// templateTokens imitate chat templates, role markers and tool protocols.
var templateTokens = []struct{ tok, kind string }{
	{"<|im_start|>", KindChatTemplate}, {"<|im_end|>", KindChatTemplate}, {"<|system|>", KindChatTemplate},
	{"<|user|>", KindChatTemplate}, {"<|assistant|>", KindChatTemplate}, {"<|endoftext|>", KindChatTemplate},
	{"<|eot_id|>", KindChatTemplate}, {"<|start_header_id|>", KindChatTemplate}, {"<|begin_of_text|>", KindChatTemplate},
	{"[inst]", KindChatTemplate}, {"[/inst]", KindChatTemplate}, {"<<sys>>", KindChatTemplate},
	{"<start_of_turn>", KindChatTemplate}, {"<end_of_turn>", KindChatTemplate}, {"<system>", KindChatTemplate},
	{"</system>", KindChatTemplate}, {"<|channel|>", KindChatTemplate}, {"### system:", KindChatTemplate},
	{"### instruction:", KindChatTemplate}, {"### assistant:", KindChatTemplate}, {"### human:", KindChatTemplate},
	{"[system]", KindToolImitation}, {"[system message]", KindToolImitation}, {"<important>", KindToolImitation},
	{"<function_calls>", KindToolImitation}, {"<invoke name=", KindToolImitation}, {"<tool_use>", KindToolImitation},
	{"<tool_result>", KindToolImitation}, {"<tool_call>", KindToolImitation}, {"</tool_call>", KindToolImitation},
	{"<admin>", KindToolImitation}, {"<instructions>", KindToolImitation}, {"[admin]", KindToolImitation},
	{"\"tool_calls\"", KindToolImitation}, {"\"function_call\"", KindToolImitation}, {"\"role\": \"system\"", KindToolImitation},
	{"\"role\":\"system\"", KindToolImitation}, {"\"role\": \"tool\"", KindToolImitation}, {"\"role\":\"tool\"", KindToolImitation},
	{"#system", KindChatTemplate}, {"[end of document]", KindToolImitation}, {"[end of email]", KindToolImitation},
	{"</document>", KindToolImitation}, {"<|tool|>", KindChatTemplate},
}

var lineTokens = []string{"system:", "system message:", "system prompt:", "assistant:", "ai:", "note to ai:", "note to the assistant:",
	"ai instructions:", "instructions for the ai:", "--- end of", "=== end of", "end of document", "end of user input", "new instructions:", "system override:"}

func findTemplates(text string) []Finding {
	return findTemplatesLower(text, asciiLower(text))
}

// findTemplatesLower is findTemplates given asciiLower(text).
func findTemplatesLower(text, lower string) []Finding {
	var fs []Finding
	add := func(start, end int, kind, tok string) {
		fs = append(fs, Finding{Kind: kind, Start: start, End: end, Reason: "protocol token " + quoteShort(tok)})
	}
	lineStart := true
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		if lineStart && c != ' ' && c != '\t' && c != '>' && c != '*' {
			for _, t := range lineTokens {
				if strings.HasPrefix(lower[i:], t) {
					kind := KindToolImitation
					if strings.HasSuffix(t, ":") && !strings.Contains(t, " ") {
						kind = KindChatTemplate
					}
					add(i, i+len(t), kind, text[i:i+len(t)])
					break
				}
			}
			lineStart = false
		}
		if c == '\n' {
			lineStart = true
			continue
		}
		if c != '<' && c != '[' && c != '#' && c != '"' {
			continue
		}
		for _, t := range templateTokens {
			if t.tok[0] == c && strings.HasPrefix(lower[i:], t.tok) {
				add(i, i+len(t.tok), t.kind, text[i:i+len(t.tok)])
				break
			}
		}
	}
	return fs
}

// inAddress reports whether the word text[start:end] is part of a URL, an
// e-mail address or a host name rather than prose: its run of
// non-space characters holds "://" or "@", or the word is a dotted label.
func inAddress(text string, start, end int) bool {
	if start > 0 && (text[start-1] == '.' || text[start-1] == '@') {
		return true
	}
	if end+1 < len(text) && text[end] == '.' && isAlnum(text[end+1]) {
		return true
	}
	a := start
	for a > 0 && start-a < 256 && text[a-1] != ' ' && text[a-1] != '\n' && text[a-1] != '\t' {
		a--
	}
	run := text[a:end]
	return strings.Contains(run, "://") || strings.Contains(run, "@")
}
