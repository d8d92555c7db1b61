package audit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestBeforeCommit(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "f.txt"), "hello\n", 0o640)
	seq := mustAppend(t, l, "write")
	p, err := l.Before(seq, OpWrite, []Change{{m, "f.txt"}, {m, "f.txt"}, {m, "new/x"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Undoable() || p.Seq() != seq {
		t.Errorf("Undoable=%v Seq=%d", p.Undoable(), p.Seq())
	}
	obj, err := os.ReadFile(filepath.Join(l.Dir(), journalDir, objectsDir, digest("hello\n")))
	if err != nil || string(obj) != "hello\n" {
		t.Fatalf("object %q, %v", obj, err)
	}
	// The pending entry is on disk before Commit.
	entries, err := ReadJournal(l.Dir())
	if err != nil || len(entries) != 1 || entries[0].State != StatePending || len(entries[0].Changes) != 2 {
		t.Fatalf("pending entries %+v, %v", entries, err)
	}
	writeFile(t, filepath.Join(m.Root, "f.txt"), "bye\n", 0o600)
	if err := p.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(); !errors.Is(err, ErrCommitted) {
		t.Errorf("second Commit: %v", err)
	}
	entries, err = ReadJournal(l.Dir())
	if err != nil || len(entries) != 1 {
		t.Fatalf("entries %+v, %v", entries, err)
	}
	e := entries[0]
	c := e.Changes[0]
	if e.State != StateDone || e.Seq != seq || e.Op != OpWrite || c.Mount != "w" || c.Root != m.Root || c.Path != "f.txt" {
		t.Fatalf("entry %+v", e)
	}
	if c.Before.SHA256 != digest("hello\n") || c.Before.Mode != 0o640 || c.Before.Size != 6 || c.Before.MTime.IsZero() {
		t.Errorf("before %+v", c.Before)
	}
	if c.After == nil || c.After.SHA256 != digest("bye\n") || c.After.Mode != 0o600 {
		t.Errorf("after %+v", c.After)
	}
	if e.Changes[1].Before.Exists || e.Changes[1].After.Exists {
		t.Errorf("missing path recorded as %+v", e.Changes[1])
	}
	// The same content again is stored once.
	seq = mustAppend(t, l, "write")
	writeFile(t, filepath.Join(m.Root, "g.txt"), "bye\n", 0o600)
	if _, err := l.Before(seq, OpDelete, []Change{{m, "f.txt"}, {m, "g.txt"}}, 0); err != nil {
		t.Fatal(err)
	}
	objs, _ := os.ReadDir(filepath.Join(l.Dir(), journalDir, objectsDir))
	if len(objs) != 2 {
		t.Errorf("%d objects, want 2", len(objs))
	}
	if res, err := Verify(l.Dir()); err != nil || !res.OK || res.JournalEntries != 2 || res.Objects != 2 {
		t.Errorf("Verify = %+v, %v", res, err)
	}
}

func TestBeforeInvalid(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	seq := mustAppend(t, l, "x")
	cases := []struct {
		seq     int64
		op      string
		changes []Change
	}{
		{seq, "chmod", nil},
		{0, OpWrite, nil},
		{seq + 1, OpWrite, nil},
		{seq, OpWrite, []Change{{Mount{"", m.Root}, "a"}}},
		{seq, OpWrite, []Change{{Mount{"w", "rel"}, "a"}}},
	}
	for _, p := range []string{"", ".", "..", "../x", "/abs", "a/../b", "a//b", "a/", `a\b`, "a\x00b"} {
		cases = append(cases, struct {
			seq     int64
			op      string
			changes []Change
		}{seq, OpWrite, []Change{{m, p}}})
	}
	for _, tc := range cases {
		if _, err := l.Before(tc.seq, tc.op, tc.changes, 0); !errors.Is(err, ErrInvalid) {
			t.Errorf("Before(%d, %q, %q): %v", tc.seq, tc.op, tc.changes, err)
		}
	}
	if entries, _ := ReadJournal(l.Dir()); len(entries) != 0 {
		t.Errorf("invalid calls wrote %d entries", len(entries))
	}
	l.Close()
	if _, err := l.Before(seq, OpWrite, nil, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("Before after Close: %v", err)
	}
}

func TestBeforeSymlinkParent(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "real/f"), "x", 0o644)
	symlink(t, "real", filepath.Join(m.Root, "link"))
	seq := mustAppend(t, l, "x")
	if _, err := l.Before(seq, OpWrite, []Change{{m, "link/f"}}, 0); !errors.Is(err, ErrSymlinkInPath) {
		t.Errorf("through a link: %v", err)
	}
	// The link itself is journaled as a link, not followed.
	p, err := l.Before(seq, OpDelete, []Change{{m, "link"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.e.Changes; len(c) != 1 || c[0].Before.Type != KindSymlink || c[0].Before.Target != "real" {
		t.Errorf("link captured as %+v", c)
	}
}

func TestBeforeTooMany(t *testing.T) {
	l := newLog(t)
	l.MaxEntries = 5
	m := Mount{Name: "w", Root: t.TempDir()}
	for i := range 10 {
		writeFile(t, filepath.Join(m.Root, fmt.Sprintf("d/f%d", i)), "x", 0o644)
	}
	seq := mustAppend(t, l, "x")
	if _, err := l.Before(seq, OpDelete, []Change{{m, "d"}}, 0); !errors.Is(err, ErrTooMany) {
		t.Fatalf("Before: %v", err)
	}
	if entries, _ := ReadJournal(l.Dir()); len(entries) != 0 {
		t.Errorf("refused Before wrote %d entries", len(entries))
	}
	// mkdir does not expand an existing directory.
	p, err := l.Before(seq, OpMkdir, []Change{{m, "d"}}, 0)
	if err != nil || len(p.e.Changes) != 1 {
		t.Fatalf("mkdir: %v", err)
	}
	// A copy that creates more paths than the limit is recorded truncated.
	p, err = l.Before(seq, OpCopy, []Change{{m, "e"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(m.Root, "e"), os.DirFS(filepath.Join(m.Root, "d"))); err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(); !errors.Is(err, ErrTooMany) {
		t.Fatalf("Commit: %v", err)
	}
	entries, err := ReadJournal(l.Dir())
	if err != nil || len(entries) != 2 || !entries[1].Truncated || entries[1].State != StateDone {
		t.Fatalf("entries %+v, %v", entries, err)
	}
}

func TestCommitListsCreatedTree(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	seq := mustAppend(t, l, "x")
	p, err := l.Before(seq, OpCopy, []Change{{m, "dst"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(m.Root, "dst/a/b.txt"), "b", 0o644)
	symlink(t, "a/b.txt", filepath.Join(m.Root, "dst/l"))
	if err := p.Commit(); err != nil {
		t.Fatal(err)
	}
	entries, _ := ReadJournal(l.Dir())
	var got []string
	for _, c := range entries[0].Changes {
		got = append(got, fmt.Sprintf("%s:%v>%s", c.Path, c.Before.Exists, c.After.Type))
	}
	if s := strings.Join(got, " "); s != "dst:false>dir dst/a:false>dir dst/l:false>symlink dst/a/b.txt:false>file" &&
		s != "dst:false>dir dst/l:false>symlink dst/a:false>dir dst/a/b.txt:false>file" {
		t.Errorf("changes %s", s)
	}
}

func TestTooLargeNotUndoable(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "big"), strings.Repeat("x", 2000), 0o644)
	writeFile(t, filepath.Join(m.Root, "huge"), strings.Repeat("y", 5000), 0o644)
	l.HashLimit = 4000
	seq := mustAppend(t, l, "x")
	p, err := l.Before(seq, OpDelete, []Change{{m, "big"}, {m, "huge"}}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if p.Undoable() || strings.Join(p.Unrecoverable(), ",") != "w:big,w:huge" {
		t.Errorf("Undoable=%v Unrecoverable=%q", p.Undoable(), p.Unrecoverable())
	}
	big, huge := p.e.Changes[0].Before, p.e.Changes[1].Before
	if !big.TooLarge || big.SHA256 != digest(strings.Repeat("x", 2000)) || big.Size != 2000 {
		t.Errorf("big %+v", big)
	}
	if !huge.TooLarge || huge.SHA256 != "" || huge.Size != 5000 {
		t.Errorf("huge %+v", huge)
	}
	if objs, _ := os.ReadDir(filepath.Join(l.Dir(), journalDir, objectsDir)); len(objs) != 0 {
		t.Errorf("kept %d objects", len(objs))
	}
}

func TestConcurrentJournal(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			name := fmt.Sprintf("f%d", i)
			writeFile(t, filepath.Join(m.Root, name), name, 0o644)
			seq, err := l.Append(TypeToolCall, nil)
			if err != nil {
				t.Error(err)
				return
			}
			p, err := l.Before(seq, OpWrite, []Change{{m, name}}, 0)
			if err != nil {
				t.Error(err)
				return
			}
			if err := os.WriteFile(filepath.Join(m.Root, name), []byte("new"), 0o644); err != nil {
				t.Error(err)
			}
			if err := p.Commit(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if res, err := Verify(l.Dir()); err != nil || !res.OK || res.JournalEntries != 8 || res.Records != 8 {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
}

func BenchmarkBeforeCommit4KiB(b *testing.B) {
	l := newLog(b)
	m := Mount{Name: "w", Root: b.TempDir()}
	name := filepath.Join(m.Root, "f")
	content := make([]byte, 4096)
	rand.Read(content)
	if err := os.WriteFile(name, content, 0o644); err != nil {
		b.Fatal(err)
	}
	seq := mustAppend(b, l, "write")
	changes := []Change{{m, "f"}}
	b.ReportAllocs()
	for b.Loop() {
		p, err := l.Before(seq, OpWrite, changes, 0)
		if err != nil {
			b.Fatal(err)
		}
		rand.Read(content) // new content each time: no deduplication
		if err := os.WriteFile(name, content, 0o644); err != nil {
			b.Fatal(err)
		}
		if err := p.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
