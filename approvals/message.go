package approvals

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits on what Message shows.
const (
	// MaxMessageItems is how many paths Message lists; the rest are
	// counted.
	MaxMessageItems = 20
	// MaxMessageDiffLines is how many diff lines Message shows.
	MaxMessageDiffLines = 20
	// maxDiffLineBytes cuts long diff lines.
	maxDiffLineBytes = 200
	// maxReasonBytes cuts a long model-supplied reason.
	maxReasonBytes = 500
)

// Message renders the approval prompt for plan. It contains only facts the
// server computed: the operation, the tool, the kinds, whether the change
// can be undone, each path (at most MaxMessageItems, then "... and N
// more") with its type and size in human units and exact bytes, file and
// byte counts for directories, and for edits a "+a -b lines" summary and
// the first MaxMessageDiffLines diff lines. The model's reason, if any,
// comes last, quoted and labelled as the model's words.
//
// Every path is quoted and every piece of text is escaped (see escapeTo):
// newlines, ANSI escapes, bidi controls, zero-width and other invisible
// characters are shown as escapes such as \u202e, so nothing in a path,
// diff or reason can start a line of its own or change how the prompt
// reads. The output is deterministic and has no trailing newline.
func Message(plan Plan) string {
	var b strings.Builder
	b.WriteString("Approval needed")
	if plan.Summary != "" {
		b.WriteString(": ")
		b.WriteString(escape(plan.Summary))
	}
	b.WriteString("\nTool: ")
	b.WriteString(escape(plan.Tool))
	if len(plan.Kinds) > 0 {
		b.WriteString("\nKinds: ")
		b.WriteString(joinKinds(plan.Kinds))
	}
	if plan.Undoable {
		b.WriteString("\nCan be undone: yes")
	} else {
		b.WriteString("\nCan be undone: NO, this change is permanent")
	}
	writeItems(&b, plan.Items)
	if plan.Diff != "" {
		writeDiff(&b, plan.Diff)
	}
	if plan.Reason != "" {
		r, cut := truncate(plan.Reason, maxReasonBytes)
		b.WriteString("\n\nReason given by the AI model (its own words, not checked by airlock):\n    ")
		b.WriteString(quote(r))
		if cut > 0 {
			fmt.Fprintf(&b, " ... (%s more bytes not shown)", commas(int64(cut)))
		}
	}
	return b.String()
}

// writeItems writes the list of paths and, for several paths without
// roles, their totals.
func writeItems(b *strings.Builder, items []Item) {
	if len(items) == 0 {
		b.WriteString("\n\nPaths: none")
		return
	}
	fmt.Fprintf(b, "\n\nPaths (%d):", len(items))
	roles := false
	for i, it := range items {
		roles = roles || it.Role != ""
		if i >= MaxMessageItems {
			continue
		}
		b.WriteString("\n  - ")
		if it.Role != "" {
			b.WriteString(escape(it.Role))
			b.WriteByte(' ')
		}
		b.WriteString(quote(it.Path))
		b.WriteString(": ")
		b.WriteString(describe(it))
	}
	if len(items) > MaxMessageItems {
		fmt.Fprintf(b, "\n  ... and %d more", len(items)-MaxMessageItems)
	}
	if len(items) > 1 && !roles {
		files, bytes := Plan{Items: items}.Totals()
		fmt.Fprintf(b, "\nTotal: %s, %s", count(files, "file"), size(bytes))
	}
}

// describe says what an item is.
func describe(it Item) string {
	switch {
	case !it.Exists:
		return "does not exist yet"
	case it.IsDir && it.Files == 0 && it.Bytes == 0:
		return "empty directory"
	case it.IsDir:
		return fmt.Sprintf("directory with %s, %s inside", count(it.Files, "file"), size(it.Bytes))
	default:
		return "file, " + size(it.Size)
	}
}

// writeDiff writes the diff summary and its first lines.
func writeDiff(b *strings.Builder, diff string) {
	lines := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")
	added, removed := diffStat(lines)
	fmt.Fprintf(b, "\n\nDiff: +%d -%d lines", added, removed)
	for i, l := range lines {
		if i >= MaxMessageDiffLines {
			fmt.Fprintf(b, "\n    (first %d of %d diff lines shown)", MaxMessageDiffLines, len(lines))
			break
		}
		l, cut := truncate(l, maxDiffLineBytes)
		b.WriteString("\n    | ")
		b.WriteString(escape(l))
		if cut > 0 {
			fmt.Fprintf(b, " ... (%s more bytes)", commas(int64(cut)))
		}
	}
}

// diffStat counts added and removed lines in a unified diff. It follows
// the line counts of each "@@ -a,b +c,d @@" hunk header, so content lines
// that look like "+++" or "---" file headers are still counted. A diff
// without any hunk header is counted line by line, skipping "+++ " and
// "--- " headers.
func diffStat(lines []string) (added, removed int) {
	hunks := false
	oldLeft, newLeft := 0, 0
	for _, l := range lines {
		if oldLeft > 0 || newLeft > 0 {
			switch {
			case strings.HasPrefix(l, "+"):
				added++
				newLeft--
			case strings.HasPrefix(l, "-"):
				removed++
				oldLeft--
			case strings.HasPrefix(l, `\`):
			default:
				oldLeft--
				newLeft--
			}
			continue
		}
		if o, n, ok := hunkHeader(l); ok {
			hunks = true
			oldLeft, newLeft = o, n
		}
	}
	if hunks {
		return added, removed
	}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "+++ "), strings.HasPrefix(l, "--- "):
		case strings.HasPrefix(l, "+"):
			added++
		case strings.HasPrefix(l, "-"):
			removed++
		}
	}
	return added, removed
}

// hunkHeader parses "@@ -a[,b] +c[,d] @@..." and returns b and d (1 when
// omitted).
func hunkHeader(l string) (oldLines, newLines int, ok bool) {
	rest, found := strings.CutPrefix(l, "@@ -")
	if !found {
		return 0, 0, false
	}
	oldRange, rest, found := strings.Cut(rest, " +")
	if !found {
		return 0, 0, false
	}
	newRange, _, found := strings.Cut(rest, " @@")
	if !found {
		return 0, 0, false
	}
	o, ok1 := rangeLen(oldRange)
	n, ok2 := rangeLen(newRange)
	return o, n, ok1 && ok2
}

// rangeLen returns the length part of a hunk range "start[,len]".
func rangeLen(r string) (int, bool) {
	start, length, found := strings.Cut(r, ",")
	if _, err := strconv.Atoi(start); err != nil {
		return 0, false
	}
	if !found {
		return 1, true
	}
	n, err := strconv.Atoi(length)
	return n, err == nil && n >= 0
}

// count renders "1 file" or "1,234 files".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return commas(int64(n)) + " " + noun + "s"
}

// size renders a byte count in IEC units with the exact count, as in
// "3.0 KiB (3,072 bytes)"; below 1 KiB only the exact count is given.
func size(n int64) string {
	if n < 1024 {
		return count(int(n), "byte")
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n) / 1024
	u := 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	return fmt.Sprintf("%.1f %s (%s bytes)", v, units[u], commas(n))
}

// commas renders n with thousands separators: 12,902,400.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return sign + b.String()
}
