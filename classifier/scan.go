package classifier

// Scan inspects content for prompt injection and returns a calibrated score,
// a label and the evidence behind it. It never fails: oversized or odd input
// is scanned in full in linear time.
func Scan(content string, kind Kind) Verdict {
	fs, text, off, st := collect(content, kind)
	return decide(text, fs, off, st)
}

// collect runs every rule detector. It returns the findings (spans in
// content), the content with invisible characters removed, and the offset
// map from that text back to content (nil if nothing was removed).
func collect(content string, kind Kind) ([]Finding, string, []int, *instructionStats) {
	inv := findInvisible(content)
	var fs []Finding
	fs = append(fs, inv...)
	if kind == HTML || kind == Markdown || kind == Text {
		fs = append(fs, findHiddenHTML(content)...)
	}
	text, off := stripInvisible(content, inv)
	st := instructionStats{keep: true, toks: make([]token, 0, len(text)/6+1)}
	for _, f := range ruleFindings(text, &st) {
		if off != nil {
			f.Start, f.End = off[f.Start], off[f.End]
		}
		fs = append(fs, f)
	}
	// Text smuggled in tag characters is scanned as if it were visible.
	for _, f := range inv {
		if t := decodeTags(content[f.Start:f.End]); len(t) > 8 {
			for _, g := range ruleFindings(t, &instructionStats{}) {
				fs = append(fs, Finding{Kind: g.Kind, Start: f.Start, End: f.End, Reason: g.Reason + " (in invisible tag characters)"})
			}
		}
	}
	sortFindings(fs)
	return fs, text, off, &st
}
