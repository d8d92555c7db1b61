package approvals

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var mtime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var editDiff = strings.Join([]string{
	"--- a/src/main.go",
	"+++ b/src/main.go",
	"@@ -1,5 +1,9 @@",
	" package main",
	"-import \"fmt\"",
	"+import (",
	"+\t\"fmt\"",
	"+\t\"os\"",
	"+)",
	" func main() {",
	"-\tfmt.Println(\"hello\")",
	"+\tfmt.Fprintln(os.Stderr, \"hello\") // \x1b]0;pwned\x07 sets the terminal title",
	"+\t// \u202e\u2066 bidi and zero\u200bwidth in content",
	" }",
	"@@ -20,5 +24,7 @@",
	" // tail",
	"-// a line that looks like a header:",
	"+++ this added line starts with two pluses",
	"+// " + strings.Repeat("long line ", 30),
	"+--- and this one with three minuses",
	" // end",
	" // more context",
	" // and more",
	"",
}, "\n")

func goldenPlans() map[string]Plan {
	items25 := make([]Item, 25)
	for i := range items25 {
		items25[i] = Item{Path: fmt.Sprintf("/home/u/proj/gen/file%02d.txt", i), Exists: true, Size: int64(100 * (i + 1)), Inode: uint64(1000 + i), ModTime: mtime}
	}
	return map[string]Plan{
		"delete_dir": {
			Tool:    "delete_path",
			Summary: "Delete directory",
			Kinds:   []Kind{KindDelete, KindBulk},
			Items:   []Item{{Path: "/home/u/proj/build", Exists: true, IsDir: true, Files: 1234, Bytes: 12902400, Inode: 77, ModTime: mtime}},
		},
		"edit": {
			Tool:     "edit_file",
			Summary:  "Edit file",
			Kinds:    []Kind{KindEdit},
			Items:    []Item{{Path: "/home/u/proj/src/main.go", Exists: true, Size: 2048, Inode: 5, ModTime: mtime}},
			Diff:     editDiff,
			Undoable: true,
		},
		"overwrite": {
			Tool:    "write_file",
			Summary: "Overwrite file",
			Kinds:   []Kind{KindOverwrite},
			Items:   []Item{{Path: "/home/u/proj/README.md", Exists: true, Size: 3 << 30, Inode: 9, ModTime: mtime}},
		},
		"move": {
			Tool:    "move_path",
			Summary: "Move file, replacing the destination",
			Kinds:   []Kind{KindMove, KindOverwrite},
			Items: []Item{
				{Role: "from", Path: "/home/u/proj/a.txt", Exists: true, Size: 1, Inode: 1, ModTime: mtime},
				{Role: "to", Path: "/home/u/proj/old/a.txt", Exists: true, Size: 1536, Inode: 2, ModTime: mtime},
				{Role: "to", Path: "/home/u/proj/empty", Exists: true, IsDir: true},
				{Role: "to", Path: "/home/u/proj/new.txt"},
			},
		},
		"spoof_path": {
			Tool:    "delete_path",
			Summary: "Delete file",
			Kinds:   []Kind{KindDelete},
			Items: []Item{
				{Path: "/home/u/proj/a.txt\nCan be undone: yes\n  - \"/home/u/proj/harmless.txt\": file, 1 byte", Exists: true, Size: 5},
				{Path: "/home/u/proj/invoice\u202etxt.exe", Exists: true, Size: 10},
				{Path: "/home/u/proj/\x1b[2K\x1b[1A\x1b[32mok.txt\x1b[0m", Exists: true, Size: 10},
				{Path: "/home/u/proj/zero\u200b\u200c\u200d\ufeff\u2060width\u2066isolate\u2069.txt", Exists: true, Size: 10},
				{Path: "/home/u/proj/quote\" and \\ backslash\r\tend", Exists: true, Size: 10},
			},
		},
		"items_25": {
			Tool:    "delete_paths",
			Summary: "Delete files",
			Kinds:   []Kind{KindDelete, KindBulk},
			Items:   items25,
		},
		"reason": {
			Tool:    "delete_path",
			Summary: "Delete file",
			Kinds:   []Kind{KindDelete},
			Items:   []Item{{Path: "/home/u/proj/notes.txt", Exists: true, Size: 0, Inode: 3, ModTime: mtime}},
			Reason:  "✅ Already approved by admin\nCan be undone: yes\n\u202eenod",
		},
		"long_reason": {
			Tool:   "write_file",
			Kinds:  []Kind{KindWrite, KindBulk},
			Items:  []Item{{Path: "/home/u/proj/big.bin", Size: 0}},
			Reason: strings.Repeat("trust me ", 100),
		},
		"empty": {Tool: "noop"},
	}
}

func TestMessageGolden(t *testing.T) {
	for name, p := range goldenPlans() {
		t.Run(name, func(t *testing.T) {
			got := Message(p)
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Message differs from %s (run go test -update if intended)\n--- got:\n%s\n--- want:\n%s", path, got, want)
			}
		})
	}
}

// TestMessageIsSafe checks properties every prompt must have, whatever
// the plan holds.
func TestMessageIsSafe(t *testing.T) {
	for name, p := range goldenPlans() {
		msg := Message(p)
		if msg != Message(p) {
			t.Errorf("%s: not deterministic", name)
		}
		for _, r := range msg {
			if r == '\n' || r == ' ' || r == '\t' || unicode.Is(unicode.M, r) {
				continue
			}
			if !unicode.IsPrint(r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) {
				t.Errorf("%s: message contains %U", name, r)
			}
		}
		// Each item is exactly one line: the number of lines does not
		// depend on what the paths contain.
		wantItems := min(len(p.Items), MaxMessageItems)
		if n := strings.Count(msg, "\n  - "); n != wantItems {
			t.Errorf("%s: %d item lines, want %d", name, n, wantItems)
		}
		if n := strings.Count("\n"+msg, "\nCan be undone:"); n != 1 {
			t.Errorf("%s: %d lines start with \"Can be undone:\", want 1", name, n)
		}
		if p.Reason != "" && !strings.Contains(msg, "Reason given by the AI model (its own words, not checked by airlock):\n    \"") {
			t.Errorf("%s: reason is not labelled", name)
		}
	}
}

func TestMessageItemsLimit(t *testing.T) {
	p := goldenPlans()["items_25"]
	msg := Message(p)
	if !strings.Contains(msg, "... and 5 more") || strings.Contains(msg, "file20.txt") || !strings.Contains(msg, "file19.txt") {
		t.Errorf("25 items not cut at 20:\n%s", msg)
	}
	p.Items = p.Items[:20]
	if strings.Contains(Message(p), "more") {
		t.Error("20 items reported as more")
	}
}

func TestDiffStat(t *testing.T) {
	tests := []struct {
		diff         string
		added, delet int
	}{
		{editDiff, 9, 3},
		{"--- a\n+++ b\n+x\n-y\n+z", 2, 1},
		{"@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file", 1, 1},
		{"@@ -0,0 +1,2 @@\n++++\n+---", 2, 0},
		{"@@ -1,2 +1,1 @@\n x\n-y\n--- not a header\n+++ nor this", 0, 1},
		{"", 0, 0},
	}
	for _, tt := range tests {
		a, d := diffStat(strings.Split(tt.diff, "\n"))
		if a != tt.added || d != tt.delet {
			t.Errorf("diffStat(%q) = +%d -%d, want +%d -%d", tt.diff, a, d, tt.added, tt.delet)
		}
	}
}

func TestSizes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"},
		{1, "1 byte"},
		{1023, "1,023 bytes"},
		{1024, "1.0 KiB (1,024 bytes)"},
		{3072, "3.0 KiB (3,072 bytes)"},
		{12902400, "12.3 MiB (12,902,400 bytes)"},
		{3 << 30, "3.0 GiB (3,221,225,472 bytes)"},
		{1<<63 - 1, "8.0 EiB (9,223,372,036,854,775,807 bytes)"},
		{-5, "-5 bytes"},
	}
	for _, tt := range tests {
		if got := size(tt.n); got != tt.want {
			t.Errorf("size(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	if got := commas(-1234567); got != "-1,234,567" {
		t.Errorf("commas(-1234567) = %q", got)
	}
}
