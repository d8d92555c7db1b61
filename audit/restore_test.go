package audit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRollbackAfterCrash(t *testing.T) {
	state, id := t.TempDir(), NewSessionID()
	l, err := Open(state, id)
	if err != nil {
		t.Fatal(err)
	}
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "f.txt"), "original\n", 0o644)
	writeFile(t, filepath.Join(m.Root, "untouched.txt"), "same\n", 0o644)
	before := snapshot(t, m.Root)
	seq := mustAppend(t, l, "write")
	if _, err := l.Before(seq, OpWrite, []Change{{m, "f.txt"}, {m, "untouched.txt"}}, 0); err != nil {
		t.Fatal(err)
	}
	// The change happens, then the server is killed before Commit, while
	// appending the next record.
	writeFile(t, filepath.Join(m.Root, "f.txt"), "clobbered", 0o600)
	l.Close() // releases descriptors; writes nothing
	f, err := os.OpenFile(filepath.Join(l.Dir(), logName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"seq":2,"ti`)
	f.Close()

	recs, err := ReadLog(l.Dir())
	if err != nil || len(recs) != 1 {
		t.Fatalf("ReadLog: %d records, %v", len(recs), err)
	}
	if res, err := Verify(l.Dir()); err != nil || !res.OK || !res.TornTail || res.Records != 1 {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	plan, err := PlanRollback(l.Dir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != 1 || plan.Steps[0].Conflict != "" || !strings.Contains(plan.Steps[0].Note, "never committed") {
		t.Fatalf("plan %+v", plan.Steps)
	}
	if _, refused, err := plan.Apply(false); err != nil || len(refused) != 0 {
		t.Fatalf("refused %+v, %v", refused, err)
	}
	if d := diffSnap(before, snapshot(t, m.Root)); d != "" {
		t.Fatal(d)
	}
	// The restarted server continues both chains.
	l, err = Open(state, id)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	seq = mustAppend(t, l, "again")
	p, err := l.Before(seq, OpWrite, []Change{{m, "f.txt"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(); err != nil {
		t.Fatal(err)
	}
	if res, err := Verify(l.Dir()); err != nil || !res.OK || res.TornTail || res.JournalEntries != 2 {
		t.Fatalf("Verify after restart = %+v, %v", res, err)
	}
}

func TestRollbackTornCommit(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "f"), "v1", 0o644)
	seq := mustAppend(t, l, "write")
	p, err := l.Before(seq, OpWrite, []Change{{m, "f"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(m.Root, "f"), "v2", 0o644)
	// The done line was being written when the process died.
	f, err := os.OpenFile(filepath.Join(l.Dir(), journalDir, entriesName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"id":1,"seq":1,"op":"wri`)
	f.Close()
	_ = p
	res, err := Verify(l.Dir())
	if err != nil || !res.OK || !res.JournalTornTail {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	plan, err := PlanRollback(l.Dir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, refused, err := plan.Apply(false); err != nil || len(refused) != 0 {
		t.Fatalf("refused %+v, %v", refused, err)
	}
	if b, _ := os.ReadFile(filepath.Join(m.Root, "f")); string(b) != "v1" {
		t.Errorf("content %q", b)
	}
}

func TestRollbackTooLarge(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "big"), strings.Repeat("x", 5000), 0o644)
	writeFile(t, filepath.Join(m.Root, "small"), "s", 0o644)
	seq := mustAppend(t, l, "write")
	p, err := l.Before(seq, OpWrite, []Change{{m, "big"}, {m, "small"}}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if p.Undoable() {
		t.Error("Undoable with a file over the limit")
	}
	writeFile(t, filepath.Join(m.Root, "big"), "replaced", 0o644)
	writeFile(t, filepath.Join(m.Root, "small"), "S", 0o644)
	must(t, p.Commit())
	plan, err := PlanRollback(l.Dir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		applied, refused, err := plan.Apply(force)
		if err != nil || len(refused) != 1 || refused[0].Path != "big" || !refused[0].Unrecoverable ||
			!strings.Contains(refused[0].Conflict, "larger than the journal keeps") || applied != 1 {
			t.Fatalf("force=%v: applied %d, refused %+v, %v", force, applied, refused, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(m.Root, "big")); string(b) != "replaced" {
		t.Errorf("big was touched: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(m.Root, "small")); string(b) != "s" {
		t.Errorf("small not restored: %q", b)
	}
}

func TestRollbackCorruptObject(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "f"), "good", 0o644)
	seq := mustAppend(t, l, "write")
	p, err := l.Before(seq, OpWrite, []Change{{m, "f"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(m.Root, "f"), "new", 0o644)
	must(t, p.Commit())
	obj := filepath.Join(l.Dir(), journalDir, objectsDir, digest("good"))
	must(t, os.WriteFile(obj, []byte("evil"), 0o600))
	if res, _ := Verify(l.Dir()); res.OK || res.JournalFirstBad != 1 || !strings.Contains(res.Reason, "does not match") {
		t.Errorf("Verify = %+v", res)
	}
	plan, err := PlanRollback(l.Dir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, refused, err := plan.Apply(false)
	if !errors.Is(err, ErrCorrupt) || len(refused) != 1 {
		t.Fatalf("refused %+v, %v", refused, err)
	}
	if b, _ := os.ReadFile(filepath.Join(m.Root, "f")); string(b) != "new" {
		t.Errorf("content %q", b)
	}
	if ents, _ := os.ReadDir(m.Root); len(ents) != 1 {
		t.Errorf("temporary file left behind: %v", ents)
	}
	must(t, os.Remove(obj))
	if res, _ := Verify(l.Dir()); res.OK || !strings.Contains(res.Reason, "missing") {
		t.Errorf("Verify = %+v", res)
	}
	if plan, _ := PlanRollback(l.Dir(), 0, nil); len(plan.Steps) != 1 || !plan.Steps[0].Unrecoverable {
		t.Errorf("plan %+v", plan.Steps)
	}
}

func TestRollbackNeverFollowsLinks(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	outside := t.TempDir()
	writeFile(t, filepath.Join(m.Root, "d/f"), "mine", 0o644)
	seq := mustAppend(t, l, "delete")
	p, err := l.Before(seq, OpDelete, []Change{{m, "d"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.RemoveAll(filepath.Join(m.Root, "d")))
	must(t, p.Commit())
	// Someone replaces d with a link out of the mount.
	symlink(t, outside, filepath.Join(m.Root, "d"))
	plan, err := PlanRollback(l.Dir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := plan.Apply(true); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Fatalf("rollback wrote outside the mount: %v", ents)
	}
	// Forced, d is a directory again; d/f could not be planned through the
	// link, so a second rollback restores it.
	plan, err = PlanRollback(l.Dir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, refused, err := plan.Apply(false); err != nil || len(refused) != 0 {
		t.Fatalf("refused %+v, %v", refused, err)
	}
	if b, err := os.ReadFile(filepath.Join(m.Root, "d/f")); err != nil || string(b) != "mine" {
		t.Errorf("d/f = %q, %v", b, err)
	}
}

func TestRollbackTypeChanges(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "f"), "file", 0o644)
	writeFile(t, filepath.Join(m.Root, "d/inner"), "inner", 0o644)
	symlink(t, "f", filepath.Join(m.Root, "l"))
	before := snapshot(t, m.Root)
	step := func(op string, paths []string, do func()) {
		t.Helper()
		var changes []Change
		for _, p := range paths {
			changes = append(changes, Change{m, p})
		}
		p, err := l.Before(mustAppend(t, l, op), op, changes, 0)
		if err != nil {
			t.Fatal(err)
		}
		do()
		must(t, p.Commit())
	}
	// A file becomes a directory, a directory a file, a link a directory.
	step(OpDelete, []string{"f"}, func() { must(t, os.Remove(filepath.Join(m.Root, "f"))) })
	step(OpMkdir, []string{"f"}, func() { must(t, os.Mkdir(filepath.Join(m.Root, "f"), 0o755)) })
	step(OpWrite, []string{"f/x"}, func() { writeFile(t, filepath.Join(m.Root, "f/x"), "x", 0o644) })
	step(OpDelete, []string{"d"}, func() { must(t, os.RemoveAll(filepath.Join(m.Root, "d"))) })
	step(OpWrite, []string{"d"}, func() { writeFile(t, filepath.Join(m.Root, "d"), "now a file", 0o600) })
	step(OpWrite, []string{"l"}, func() {
		must(t, os.Remove(filepath.Join(m.Root, "l")))
		must(t, os.Mkdir(filepath.Join(m.Root, "l"), 0o700))
	})
	plan, err := PlanRollback(l.Dir(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, refused, err := plan.Apply(false); err != nil || len(refused) != 0 {
		t.Fatalf("refused %+v, %v", refused, err)
	}
	if d := diffSnap(before, snapshot(t, m.Root)); d != "" {
		t.Fatal(d)
	}
}
