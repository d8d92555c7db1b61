package guest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestSweepTemp(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "keep"), []byte("keep"), 0o644))
	r, err := os.OpenRoot(dir)
	must(t, err)
	defer r.Close()

	must(t, SweepTemp(r)) // nothing to sweep
	must(t, os.MkdirAll(filepath.Join(dir, TempDirName, "a", "b"), 0o700))
	must(t, os.WriteFile(filepath.Join(dir, TempDirName, "a", "b", "f"), []byte("x"), 0o600))
	must(t, SweepTemp(r))
	if _, err := os.Lstat(filepath.Join(dir, TempDirName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after sweep: %v", err)
	}
	// A symlink under the reserved name is removed, not followed.
	must(t, os.Symlink(outside, filepath.Join(dir, TempDirName)))
	must(t, SweepTemp(r))
	if _, err := os.Lstat(filepath.Join(dir, TempDirName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("symlink not removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "keep")); err != nil {
		t.Errorf("sweep followed the symlink: %v", err)
	}
}

func TestServeSweepsStagingDirectory(t *testing.T) {
	base := t.TempDir()
	e := &env{t: t, rw: filepath.Join(base, "rw"), ro: filepath.Join(base, "ro")}
	for _, d := range []string{e.rw, e.ro} {
		must(t, os.MkdirAll(filepath.Join(d, TempDirName, "nested"), 0o700))
		must(t, os.WriteFile(filepath.Join(d, TempDirName, "w-leftover"), []byte("half"), 0o600))
	}
	e.start()
	if _, err := e.c.Ping(e.ctx()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(e.rw, TempDirName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-write share still has %s: %v", TempDirName, err)
	}
	if _, err := os.Lstat(filepath.Join(e.ro, TempDirName, "w-leftover")); err != nil {
		t.Errorf("read-only share was swept: %v", err)
	}
}

func TestStagingDirectoryReplacedIfNotADirectory(t *testing.T) {
	e := newEnv(t)
	outside := t.TempDir()
	must(t, os.Symlink(outside, filepath.Join(e.rw, TempDirName)))
	must(t, e.write(guestproto.WriteArgs{PathArgs: rw("f")}, "data"))
	if e.read("f") != "data" {
		t.Error("write failed")
	}
	fi, err := os.Lstat(filepath.Join(e.rw, TempDirName))
	must(t, err)
	if !fi.IsDir() {
		t.Errorf("staging directory is %v", fi.Mode())
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("staged through the symlink: %d entries outside", len(entries))
	}
}

// TestWriteCreateOnlyRace has many writers create the same file at once:
// exactly one wins and the file holds exactly its content.
func TestWriteCreateOnlyRace(t *testing.T) {
	e := newEnv(t)
	for round := range 5 {
		name := fmt.Sprintf("race-%d", round)
		const writers = 8
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = e.write(guestproto.WriteArgs{PathArgs: rw(name), CreateOnly: true}, fmt.Sprintf("writer %d", i))
			}()
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: writers %d and %d both created the file", round, winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, guestproto.ErrExists):
				t.Fatalf("round %d: writer %d: %v", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: nobody won", round)
		}
		if got := e.read(name); got != fmt.Sprintf("writer %d", winner) {
			t.Errorf("round %d: content %q, winner %d", round, got, winner)
		}
	}
}
