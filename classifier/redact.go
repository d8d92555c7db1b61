package classifier

import (
	"fmt"
	"strings"
)

// redactable are the finding kinds that locate the instruction itself.
// Invisible and hidden-HTML spans are removed by Sanitize instead; a model
// finding covers the whole text and locates nothing.
var redactable = map[string]bool{
	KindAIInstruction: true, KindChatTemplate: true, KindToolImitation: true,
	KindExfilLink: true, KindEncoded: true,
}

// Redact replaces the spans of content that the located findings of fs
// cover with a short marker naming what was there. It returns the result
// and the number of spans replaced; zero means nothing in fs was located,
// so the caller decides what to do with content it still distrusts.
// fs must come from a scan of this exact content.
func Redact(content string, fs []Finding) (string, int) {
	var located []Finding
	for _, f := range fs {
		if redactable[f.Kind] && f.Start >= 0 && f.End <= len(content) && f.Start < f.End {
			located = append(located, f)
		}
	}
	if len(located) == 0 {
		return content, 0
	}
	spans := mergeSpans(located)
	out := replaceSpans(content, spans, func(sp [2]int) string {
		return fmt.Sprintf("[airlock redacted %d bytes: %s]", sp[1]-sp[0], strings.Join(kindsIn(located, sp), ", "))
	})
	return out, len(spans)
}

// kindsIn lists, once each and in order, the kinds of the findings inside
// span.
func kindsIn(fs []Finding, span [2]int) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Start >= span[0] && f.End <= span[1] && !seen[f.Kind] {
			seen[f.Kind] = true
			out = append(out, f.Kind)
		}
	}
	return out
}
