package mcp

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"

	"github.com/airlock-dev/airlock/audit"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/qemu"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// snapshot describes a tree completely: names, types, modes, contents and
// symlink targets.
func snapshot(t *testing.T, dirs ...string) string {
	t.Helper()
	var lines []string
	for _, dir := range dirs {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			if d.Name() == ".airlock-tmp" {
				return filepath.SkipDir // the guest's staging area, swept at session end
			}
			fi, _ := os.Lstat(p)
			rel, _ := filepath.Rel(filepath.Dir(dir), p)
			line := fmt.Sprintf("%s %v", rel, fi.Mode())
			switch {
			case fi.Mode().IsRegular():
				b, _ := os.ReadFile(p)
				line += fmt.Sprintf(" %x", sha256.Sum256(b))
			case fi.Mode()&fs.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				line += " -> " + target
			}
			lines = append(lines, line)
			return nil
		})
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestRollbackRestoresBothMounts(t *testing.T) {
	t.Run("fake", func(t *testing.T) { testRollback(t, &vmtest.Fake{}, vm.Image{}) })
	t.Run("qemu", func(t *testing.T) {
		vmtest.RequireQEMU(t)
		testRollback(t, &qemu.Backend{RunDir: t.TempDir()}, vmtest.Image(t))
	})
}

func testRollback(t *testing.T, backend vm.Backend, img vm.Image) {
	base := t.TempDir()
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	files := map[string]os.FileMode{
		"a/README.md": 0o644, "a/notes.txt": 0o600, "a/run.sh": 0o755, "a/src/util.go": 0o644, "a/src/deep/x.txt": 0o644,
		"b/old.txt": 0o644, "b/olddir/one.txt": 0o644, "b/olddir/two/three.txt": 0o640,
	}
	for name, mode := range files {
		p := filepath.Join(base, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("original "+name+"\n"), mode)
		os.Chmod(p, mode)
	}
	os.Symlink("one.txt", filepath.Join(b, "olddir", "link"))
	start := snapshot(t, a, b)

	stateDir := t.TempDir()
	ms, err := tools.NewMounts([]tools.Mount{{Path: a}, {Path: b}}, "")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Mounts: ms, Backend: backend, VM: vm.Config{Image: img}, StateDir: stateDir})
	c := inProcessClient(t, s, client.WithElicitationHandler(allowOnce()))
	p := func(rel string) string { return filepath.Join(base, rel) }

	call(t, c, "write_file", map[string]any{"path": p("a/new.txt"), "content": "created\n"}, false)
	call(t, c, "write_file", map[string]any{"path": p("a/README.md"), "content": "overwritten\n"}, false)
	call(t, c, "edit_file", map[string]any{"path": p("a/notes.txt"), "edits": []map[string]any{{"oldText": "original", "newText": "edited"}}}, false)
	mid := snapshot(t, a, b)
	sessions, _ := audit.ListSessions(stateDir)
	if len(sessions) != 1 {
		t.Fatalf("%d sessions recorded, want 1", len(sessions))
	}
	dir := sessions[0].Dir
	recs, _ := audit.ReadLog(dir)
	midSeq := recs[len(recs)-1].Seq

	call(t, c, "move_file", map[string]any{"source": p("a/src/util.go"), "destination": p("a/util2.go")}, false)
	call(t, c, "copy_file", map[string]any{"source": p("a/notes.txt"), "destination": p("b/notes-copy.txt")}, false)
	call(t, c, "create_directory", map[string]any{"path": p("b/newdir/sub")}, false)
	call(t, c, "delete_file", map[string]any{"path": p("b/old.txt")}, false)
	call(t, c, "delete_file", map[string]any{"path": p("b/olddir"), "recursive": true}, false)
	call(t, c, "move_file", map[string]any{"source": p("a/src"), "destination": p("a/src2")}, false)
	s.Close(context.Background())

	if res, err := audit.Verify(dir); err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
	plan, err := audit.PlanRollback(dir, midSeq, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, refused, err := plan.Apply(false); err != nil || len(refused) > 0 {
		t.Fatalf("rollback to %d: refused %v, err %v", midSeq, refused, err)
	}
	if got := snapshot(t, a, b); got != mid {
		t.Fatalf("after rollback --to %d:\n%s\nwant:\n%s", midSeq, got, mid)
	}
	plan, err = audit.PlanRollback(dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, refused, err := plan.Apply(false); err != nil || len(refused) > 0 {
		t.Fatalf("full rollback: refused %v, err %v", refused, err)
	}
	if got := snapshot(t, a, b); got != start {
		t.Fatalf("after full rollback:\n%s\nwant:\n%s", got, start)
	}
}
