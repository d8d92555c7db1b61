package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// newLog opens a log in a fresh state directory and closes it at cleanup.
func newLog(t testing.TB) *Log {
	t.Helper()
	l, err := Open(t.TempDir(), NewSessionID())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// mustAppend appends a tool_call record and returns its seq.
func mustAppend(t testing.TB, l *Log, what string) int64 {
	t.Helper()
	seq, err := l.Append(TypeToolCall, map[string]string{"tool": what})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// writeFile creates a file (and its parents) with content and mode.
func writeFile(t testing.TB, name, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

// snapshot describes a tree: every entry's type, mode, content digest (and
// modification time) or link target, keyed by slash path.
func snapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[filepath.ToSlash(rel)] = "symlink " + target
		case fi.IsDir():
			out[filepath.ToSlash(rel)] = fmt.Sprintf("dir %#o", fi.Mode().Perm())
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			out[filepath.ToSlash(rel)] = fmt.Sprintf("file %#o %s %s", fi.Mode().Perm(),
				hex.EncodeToString(sum[:8]), fi.ModTime().UTC().Format("15:04:05.000000000"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffSnap describes how got differs from want, or returns "".
func diffSnap(want, got map[string]string) string {
	var lines []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			lines = append(lines, fmt.Sprintf("missing %s (%s)", k, w))
		} else if g != w {
			lines = append(lines, fmt.Sprintf("changed %s: got %s, want %s", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			lines = append(lines, fmt.Sprintf("extra %s (%s)", k, g))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// smallLines lowers the line limit for the duration of a test.
func smallLines(t *testing.T, n int) {
	old := maxLine
	maxLine = n
	t.Cleanup(func() { maxLine = old })
}
