package guest

import (
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines around each hunk.
const diffContext = 3

// diffBudget bounds the work of one line diff (diagonals and snake steps
// explored). Past it the
// remaining differing regions are reported as whole replacements: still a
// correct diff, just not a minimal one.
const diffBudget = 20_000_000

// unifiedDiff returns a unified diff of two texts, with "a/" and "b/"
// prefixed to name in the headers, or "" if they are equal.
func unifiedDiff(name, oldText, newText string) string {
	if oldText == newText {
		return ""
	}
	a, b := splitLines(oldText), splitLines(newText)
	d := newDiffer(a, b)
	d.compare(0, len(a), 0, len(b))
	ops := d.script()

	var sb strings.Builder
	fmt.Fprintf(&sb, "--- a/%s\n+++ b/%s\n", name, name)
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: this change plus any others separated by at most
		// 2*diffContext unchanged lines, with context around.
		start := max(0, i-diffContext)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j + 1
			} else if j-end >= 2*diffContext {
				break
			}
		}
		end = min(len(ops), end+diffContext)
		writeHunk(&sb, ops[start:end], a, b)
		i = end
	}
	return sb.String()
}

// splitLines splits text after each newline; the last line lacks one if
// the text does not end with a newline.
func splitLines(text string) []string {
	lines := make([]string, 0, strings.Count(text, "\n")+1)
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i+1])
		text = text[i+1:]
	}
	return lines
}

// diffOp is one line of an edit script: ' ' keeps a[ai] (= b[bi]), '-'
// deletes a[ai], '+' inserts b[bi]. For an insertion ai is the number of
// old lines before it, and for a deletion bi likewise.
type diffOp struct {
	kind   byte
	ai, bi int
}

func writeHunk(sb *strings.Builder, ops []diffOp, a, b []string) {
	var oldN, newN int
	for _, op := range ops {
		if op.kind != '+' {
			oldN++
		}
		if op.kind != '-' {
			newN++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", hunkRange(ops[0].ai, oldN), hunkRange(ops[0].bi, newN))
	for _, op := range ops {
		var line string
		if op.kind == '+' {
			line = b[op.bi]
		} else {
			line = a[op.ai]
		}
		sb.WriteByte(op.kind)
		sb.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			sb.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange formats one side of a hunk header the way diff -u does:
// "start,count", with the count left out when it is 1 and, for an empty
// range, the start being the line before it.
func hunkRange(start0, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start0)
	case 1:
		return fmt.Sprintf("%d", start0+1)
	}
	return fmt.Sprintf("%d,%d", start0+1, count)
}

// differ computes a line diff with Myers' algorithm in linear space: each
// region is split at the middle of an optimal path and the halves are
// compared in turn, marking deleted and inserted lines.
type differ struct {
	a, b     []int // lines as interned numbers
	del, ins []bool
	v1, v2   []int
	budget   int
}

func newDiffer(a, b []string) *differ {
	ids := map[string]int{}
	intern := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	return &differ{
		a: intern(a), b: intern(b),
		del: make([]bool, len(a)), ins: make([]bool, len(b)),
		budget: diffBudget,
	}
}

// compare marks the differences between a[aLo:aHi] and b[bLo:bHi].
func (d *differ) compare(aLo, aHi, bLo, bHi int) {
	for aLo < aHi && bLo < bHi && d.a[aLo] == d.b[bLo] {
		aLo, bLo = aLo+1, bLo+1
	}
	for aLo < aHi && bLo < bHi && d.a[aHi-1] == d.b[bHi-1] {
		aHi, bHi = aHi-1, bHi-1
	}
	if aLo == aHi || bLo == bHi {
		d.replace(aLo, aHi, bLo, bHi)
		return
	}
	x, y, ok := d.bisect(aLo, aHi, bLo, bHi)
	if !ok || (x == aLo && y == bLo) || (x == aHi && y == bHi) {
		d.replace(aLo, aHi, bLo, bHi)
		return
	}
	d.compare(aLo, x, bLo, y)
	d.compare(x, aHi, y, bHi)
}

func (d *differ) replace(aLo, aHi, bLo, bHi int) {
	for i := aLo; i < aHi; i++ {
		d.del[i] = true
	}
	for j := bLo; j < bHi; j++ {
		d.ins[j] = true
	}
}

// bisect finds where a forward and a reverse furthest-reaching path of
// the region meet, a point through which an optimal path goes. It gives
// up (ok false) when the work budget runs out.
func (d *differ) bisect(aLo, aHi, bLo, bHi int) (x, y int, ok bool) {
	n, m := aHi-aLo, bHi-bLo
	maxD := (n + m + 1) / 2
	off, size := maxD, 2*maxD+2
	if cap(d.v1) < size {
		d.v1, d.v2 = make([]int, size), make([]int, size)
	}
	v1, v2 := d.v1[:size], d.v2[:size]
	for i := range v1 {
		v1[i], v2[i] = -1, -1
	}
	v1[off+1], v2[off+1] = 0, 0
	delta := n - m
	front := delta%2 != 0
	var k1start, k1end, k2start, k2end int
	for D := 0; D < maxD; D++ {
		if d.budget -= 2*D + 1; d.budget < 0 {
			return 0, 0, false
		}
		for k1 := -D + k1start; k1 <= D-k1end; k1 += 2 {
			i := off + k1
			var x1 int
			if k1 == -D || (k1 != D && v1[i-1] < v1[i+1]) {
				x1 = v1[i+1]
			} else {
				x1 = v1[i-1] + 1
			}
			y1 := x1 - k1
			for x1 < n && y1 < m && d.a[aLo+x1] == d.b[bLo+y1] {
				x1, y1 = x1+1, y1+1
				d.budget--
			}
			v1[i] = x1
			switch {
			case x1 > n:
				k1end += 2
			case y1 > m:
				k1start += 2
			case front:
				if j := off + delta - k1; j >= 0 && j < size && v2[j] != -1 && x1 >= n-v2[j] {
					return aLo + x1, bLo + y1, true
				}
			}
		}
		for k2 := -D + k2start; k2 <= D-k2end; k2 += 2 {
			i := off + k2
			var x2 int
			if k2 == -D || (k2 != D && v2[i-1] < v2[i+1]) {
				x2 = v2[i+1]
			} else {
				x2 = v2[i-1] + 1
			}
			y2 := x2 - k2
			for x2 < n && y2 < m && d.a[aHi-1-x2] == d.b[bHi-1-y2] {
				x2, y2 = x2+1, y2+1
				d.budget--
			}
			v2[i] = x2
			switch {
			case x2 > n:
				k2end += 2
			case y2 > m:
				k2start += 2
			case !front:
				if j := off + delta - k2; j >= 0 && j < size && v1[j] != -1 {
					x1 := v1[j]
					y1 := off + x1 - j
					if x1 >= n-x2 {
						return aLo + x1, bLo + y1, true
					}
				}
			}
		}
	}
	return 0, 0, false
}

// script turns the marks into an edit script, deletions before
// insertions within each change.
func (d *differ) script() []diffOp {
	var ops []diffOp
	i, j := 0, 0
	for i < len(d.a) || j < len(d.b) {
		switch {
		case i < len(d.a) && d.del[i]:
			ops = append(ops, diffOp{'-', i, j})
			i++
		case j < len(d.b) && d.ins[j]:
			ops = append(ops, diffOp{'+', i, j})
			j++
		default:
			ops = append(ops, diffOp{' ', i, j})
			i, j = i+1, j+1
		}
	}
	return ops
}
