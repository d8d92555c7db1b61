package audit

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scenario is a session over two mounts whose tool calls the test performs
// itself, bracketed by Before and Commit.
type scenario struct {
	t     *testing.T
	l     *Log
	a, b  Mount
	snaps map[int64]map[string]string // state of both mounts after each seq
}

func newScenario(t *testing.T) *scenario {
	s := &scenario{t: t, l: newLog(t), snaps: map[int64]map[string]string{}}
	s.a = Mount{Name: "A", Root: t.TempDir()}
	s.b = Mount{Name: "B", Root: t.TempDir()}
	a, b := s.a.Root, s.b.Root
	writeFile(t, filepath.Join(a, "a.txt"), "alpha\n", 0o644)
	writeFile(t, filepath.Join(a, "docs/readme.md"), "readme v1\n", 0o600)
	writeFile(t, filepath.Join(a, "docs/sub/deep.txt"), "deep\n", 0o644)
	writeFile(t, filepath.Join(a, "tree/x.txt"), "x\n", 0o644)
	writeFile(t, filepath.Join(a, "tree/inner/y.txt"), "y\n", 0o640)
	writeFile(t, filepath.Join(a, "tree/ro.txt"), "read only\n", 0o444)
	mkdir(t, filepath.Join(a, "tree/inner/emptydir"), 0o750)
	mkdir(t, filepath.Join(a, "tree/rodir"), 0o555)
	symlink(t, "../a.txt", filepath.Join(a, "tree/link"))
	writeFile(t, filepath.Join(a, "mvdir/f1"), "f1\n", 0o644)
	writeFile(t, filepath.Join(a, "mvdir/sub/f2"), "f2\n", 0o644)
	writeFile(t, filepath.Join(b, "b.txt"), "bravo\n", 0o644)
	writeFile(t, filepath.Join(b, "bin/tool"), "#!/bin/sh\necho tool\n", 0o755)
	writeFile(t, filepath.Join(b, "bin/helper"), "#!/bin/sh\n", 0o700)
	symlink(t, "/etc/passwd", filepath.Join(b, "out"))
	s.snaps[0] = s.snap()
	return s
}

func mkdir(t testing.TB, name string, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(name, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

func symlink(t testing.TB, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

// snap captures both mounts.
func (s *scenario) snap() map[string]string {
	out := map[string]string{}
	for _, m := range []Mount{s.a, s.b} {
		for k, v := range snapshot(s.t, m.Root) {
			out[m.Name+"/"+k] = v
		}
	}
	return out
}

// at returns the snapshot taken after seq k.
func (s *scenario) at(k int64) map[string]string {
	for ; k > 0; k-- {
		if m, ok := s.snaps[k]; ok {
			return m
		}
	}
	return s.snaps[0]
}

// op journals one tool call: do performs the change on the host.
func (s *scenario) op(op string, changes []Change, do func(a, b string)) int64 {
	s.t.Helper()
	seq := mustAppend(s.t, s.l, op)
	p, err := s.l.Before(seq, op, changes, 1<<20)
	if err != nil {
		s.t.Fatal(err)
	}
	do(s.a.Root, s.b.Root)
	if err := p.Commit(); err != nil {
		s.t.Fatal(err)
	}
	s.snaps[seq] = s.snap()
	return seq
}

func (s *scenario) ch(m Mount, paths ...string) []Change {
	var out []Change
	for _, p := range paths {
		out = append(out, Change{Mount: m, Path: p})
	}
	return out
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// run performs the whole session.
func (s *scenario) run() {
	t := s.t
	s.op(OpWrite, s.ch(s.a, "new.txt"), func(a, _ string) {
		must(t, os.WriteFile(filepath.Join(a, "new.txt"), []byte("new\n"), 0o644))
	})
	s.op(OpWrite, s.ch(s.a, "a.txt"), func(a, _ string) { // atomic replace, new mode
		must(t, os.WriteFile(filepath.Join(a, ".tmp"), []byte("alpha v2\n"), 0o600))
		must(t, os.Rename(filepath.Join(a, ".tmp"), filepath.Join(a, "a.txt")))
	})
	if _, err := s.l.Append(TypeApproval, map[string]string{"decision": "allow_once"}); err != nil {
		t.Fatal(err)
	}
	s.op(OpEdit, s.ch(s.a, "docs/readme.md"), func(a, _ string) {
		must(t, os.WriteFile(filepath.Join(a, "docs/readme.md"), []byte("readme v2, edited\n"), 0))
	})
	s.op(OpMove, append(s.ch(s.b, "b.txt"), s.ch(s.a, "moved-b.txt")...), func(a, b string) {
		data, err := os.ReadFile(filepath.Join(b, "b.txt"))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(a, "moved-b.txt"), data, 0o644))
		must(t, os.Remove(filepath.Join(b, "b.txt")))
	})
	s.op(OpMove, s.ch(s.a, "mvdir", "docs/mvdir2"), func(a, _ string) {
		must(t, os.Rename(filepath.Join(a, "mvdir"), filepath.Join(a, "docs/mvdir2")))
	})
	s.op(OpCopy, s.ch(s.b, "deep-copy.txt"), func(a, b string) {
		data, err := os.ReadFile(filepath.Join(a, "docs/sub/deep.txt"))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(b, "deep-copy.txt"), data, 0o644))
	})
	s.op(OpMkdir, s.ch(s.a, "newdir", "newdir/nested"), func(a, _ string) {
		must(t, os.MkdirAll(filepath.Join(a, "newdir/nested"), 0o755))
	})
	s.op(OpDelete, s.ch(s.b, "bin/tool"), func(_, b string) {
		must(t, os.Remove(filepath.Join(b, "bin/tool")))
	})
	s.op(OpDelete, s.ch(s.a, "tree"), func(a, _ string) {
		must(t, os.RemoveAll(filepath.Join(a, "tree")))
	})
	s.op(OpWrite, s.ch(s.a, "newdir/nested/file.txt"), func(a, _ string) {
		must(t, os.WriteFile(filepath.Join(a, "newdir/nested/file.txt"), []byte("nested\n"), 0o644))
	})
	s.op(OpCopy, s.ch(s.b, "bin-copy"), func(_, b string) {
		must(t, os.MkdirAll(filepath.Join(b, "bin-copy"), 0o755))
		must(t, os.WriteFile(filepath.Join(b, "bin-copy/helper"), []byte("#!/bin/sh\n"), 0o700))
	})
	s.op(OpWrite, s.ch(s.a, "a.txt"), func(a, _ string) {
		must(t, os.WriteFile(filepath.Join(a, "a.txt"), []byte("alpha v3\n"), 0))
	})
	s.op(OpMove, s.ch(s.a, "new.txt", "docs/new-moved.txt"), func(a, _ string) {
		must(t, os.Rename(filepath.Join(a, "new.txt"), filepath.Join(a, "docs/new-moved.txt")))
	})
	s.op(OpWrite, s.ch(s.b, "out"), func(_, b string) { // replaces a link with a file
		must(t, os.Remove(filepath.Join(b, "out")))
		must(t, os.WriteFile(filepath.Join(b, "out"), []byte("not a link\n"), 0o644))
	})
}

// rollback plans and applies a rollback to toSeq and checks the result.
func (s *scenario) rollback(toSeq int64, force bool) (Plan, []Step) {
	s.t.Helper()
	plan, err := PlanRollback(s.l.Dir(), toSeq, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	_, refused, err := plan.Apply(force)
	if err != nil {
		s.t.Fatal(err)
	}
	return plan, refused
}

func TestRollbackWholeSession(t *testing.T) {
	s := newScenario(t)
	s.run()
	plan, refused := s.rollback(0, false)
	for _, st := range plan.Steps {
		if st.Conflict != "" || st.Note != "" {
			t.Errorf("unexpected conflict in step %+v", st)
		}
	}
	if len(refused) != 0 {
		t.Fatalf("refused %+v", refused)
	}
	if d := diffSnap(s.snaps[0], s.snap()); d != "" {
		t.Fatalf("after rollback:\n%s", d)
	}
	// Rolling back again finds nothing to do.
	if plan, err := PlanRollback(s.l.Dir(), 0, nil); err != nil || len(plan.Steps) != 0 {
		t.Errorf("second plan: %+v, %v", plan.Steps, err)
	}
	if res, err := Verify(s.l.Dir()); err != nil || !res.OK {
		t.Errorf("Verify = %+v, %v", res, err)
	}
}

func TestRollbackToSeq(t *testing.T) {
	for _, k := range []int64{14, 9, 5, 3, 1} {
		s := newScenario(t)
		s.run()
		s.rollback(k, false)
		if d := diffSnap(s.at(k), s.snap()); d != "" {
			t.Fatalf("rollback to %d:\n%s", k, d)
		}
	}
}

func TestRollbackInStages(t *testing.T) {
	s := newScenario(t)
	s.run()
	for _, k := range []int64{12, 8, 4, 0} {
		_, refused := s.rollback(k, false)
		if len(refused) != 0 {
			t.Fatalf("rollback to %d refused %+v", k, refused)
		}
		if d := diffSnap(s.at(k), s.snap()); d != "" {
			t.Fatalf("rollback to %d:\n%s", k, d)
		}
	}
}

func TestRollbackConflict(t *testing.T) {
	s := newScenario(t)
	s.run()
	readme := filepath.Join(s.a.Root, "docs/readme.md")
	must(t, os.WriteFile(readme, []byte("the user's own words\n"), 0))
	plan, refused := s.rollback(0, false)
	if len(refused) != 1 || refused[0].Path != "docs/readme.md" || !strings.Contains(refused[0].Conflict, "changed since seq 4") {
		t.Fatalf("refused %+v", refused)
	}
	if b, _ := os.ReadFile(readme); string(b) != "the user's own words\n" {
		t.Errorf("user edit clobbered: %q", b)
	}
	want := maps.Clone(s.snaps[0])
	got := s.snap()
	delete(want, "A/docs/readme.md")
	delete(got, "A/docs/readme.md")
	if d := diffSnap(want, got); d != "" {
		t.Fatalf("other steps not applied:\n%s", d)
	}
	if n := len(plan.Steps); n < 10 {
		t.Errorf("plan has only %d steps", n)
	}
	// Forced, the remaining step is applied.
	_, refused = s.rollback(0, true)
	if len(refused) != 0 {
		t.Fatalf("forced rollback refused %+v", refused)
	}
	if d := diffSnap(s.snaps[0], s.snap()); d != "" {
		t.Fatalf("after forced rollback:\n%s", d)
	}
}

func TestRollbackKeepsUnjournaledFiles(t *testing.T) {
	s := newScenario(t)
	s.run()
	extra := filepath.Join(s.a.Root, "newdir/nested/user-notes.txt")
	must(t, os.WriteFile(extra, []byte("mine\n"), 0o644))
	for _, force := range []bool{false, true} {
		_, refused := s.rollback(0, force)
		var paths []string
		for _, st := range refused {
			paths = append(paths, st.Path+": "+st.Conflict)
		}
		if len(refused) != 2 || refused[0].Path != "newdir/nested" || refused[1].Path != "newdir" ||
			!strings.Contains(refused[0].Conflict, "not empty") {
			t.Fatalf("force=%v refused:\n%s", force, strings.Join(paths, "\n"))
		}
		if _, err := os.Stat(extra); err != nil {
			t.Fatalf("user file removed: %v", err)
		}
	}
}

func TestRollbackMountOverride(t *testing.T) {
	s := newScenario(t)
	s.run()
	// The user moved mount B; the journal still names the old root.
	moved := filepath.Join(t.TempDir(), "B-moved")
	must(t, os.Rename(s.b.Root, moved))
	plan, err := PlanRollback(s.l.Dir(), 0, map[string]string{"B": moved})
	if err != nil {
		t.Fatal(err)
	}
	if _, refused, err := plan.Apply(false); err != nil || len(refused) != 0 {
		t.Fatalf("refused %+v, %v", refused, err)
	}
	got := map[string]string{}
	for k, v := range snapshot(t, moved) {
		got["B/"+k] = v
	}
	want := map[string]string{}
	for k, v := range s.snaps[0] {
		if strings.HasPrefix(k, "B/") {
			want[k] = v
		}
	}
	if d := diffSnap(want, got); d != "" {
		t.Fatal(d)
	}
	if _, err := PlanRollback(s.l.Dir(), -1, nil); err == nil {
		t.Error("negative rollback point accepted")
	}
}
