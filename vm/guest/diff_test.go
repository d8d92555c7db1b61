package guest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The expected outputs were produced by GNU diff -u --label a/f --label b/f.
func TestUnifiedDiffGolden(t *testing.T) {
	for _, c := range []struct{ name, old, new, want string }{
		{"two hunks",
			"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n",
			"a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\n",
			"--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -7,4 +7,4 @@\n g\n h\n i\n-j\n+J\n"},
		{"merged hunk", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\nX\n3\n4\n5\n6\n7\n8\nY\n",
			"--- a/f\n+++ b/f\n@@ -1,9 +1,9 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+Y\n"},
		{"no newline at end", "a\nb", "a\nc",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
		{"insert at start", "x\n", "new\nx\n", "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n+new\n x\n"},
		{"from empty", "", "a\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"},
		{"delete", "a\nb\nc\n", "a\nc\n", "--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n a\n-b\n c\n"},
		{"equal", "same\n", "same\n", ""},
	} {
		if got := unifiedDiff("f", c.old, c.new); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, got, c.want)
		}
	}
}

// checkScript verifies that the differ's script turns a into b and keeps
// as many lines as a longest common subsequence has.
func checkScript(t *testing.T, a, b []string, exact bool) {
	t.Helper()
	d := newDiffer(a, b)
	d.compare(0, len(a), 0, len(b))
	var rebuilt []string
	kept := 0
	for _, op := range d.script() {
		switch op.kind {
		case ' ':
			if a[op.ai] != b[op.bi] {
				t.Fatalf("kept line differs: %q vs %q", a[op.ai], b[op.bi])
			}
			rebuilt = append(rebuilt, a[op.ai])
			kept++
		case '+':
			rebuilt = append(rebuilt, b[op.bi])
		}
	}
	if strings.Join(rebuilt, "") != strings.Join(b, "") {
		t.Fatalf("script does not rebuild b:\na=%q\nb=%q", a, b)
	}
	if exact {
		if lcs := lcsLen(a, b); kept != lcs {
			t.Fatalf("kept %d lines, LCS is %d:\na=%q\nb=%q", kept, lcs, a, b)
		}
	}
}

func lcsLen(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func randLines(r *rand.Rand, n, alphabet int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%c\n", 'a'+r.IntN(alphabet))
	}
	return out
}

func TestDifferIsMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		a := randLines(r, r.IntN(14), 1+r.IntN(4))
		b := randLines(r, r.IntN(14), 1+r.IntN(4))
		checkScript(t, a, b, true)
	}
}

func TestDifferBudgetFallback(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	a := randLines(r, 3000, 20)
	b := randLines(r, 3000, 20)
	d := newDiffer(a, b)
	d.budget = 1000 // runs out: still a correct script
	d.compare(0, len(a), 0, len(b))
	checkScript(t, a, b, false)
}

func TestDiffLargeFileWithScatteredChanges(t *testing.T) {
	var sa, sb strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&sa, "line %d\n", i)
		if i%200 == 0 {
			fmt.Fprintf(&sb, "LINE %d\n", i)
		} else {
			fmt.Fprintf(&sb, "line %d\n", i)
		}
	}
	old, edited := sa.String(), sb.String()
	start := time.Now()
	diff := unifiedDiff("big", old, edited)
	d := time.Since(start)
	if n := strings.Count(diff, "\n-line "); n != 500 {
		t.Errorf("%d deletions, want 500", n)
	}
	if n := strings.Count(diff, "\n+LINE"); n != 500 {
		t.Errorf("%d insertions, want 500", n)
	}
	if n := strings.Count(diff, "@@ -"); n != 500 {
		t.Errorf("%d hunks, want 500", n)
	}
	t.Logf("diff of 100,000 lines with 500 changes: %d bytes in %v", len(diff), d)
}
