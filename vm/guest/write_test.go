package guest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func (e *env) write(a guestproto.WriteArgs, content string) error {
	_, err := e.c.WriteFile(e.ctx(), a, strings.NewReader(content))
	return err
}

func hexSHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestWriteFile(t *testing.T) {
	e := newEnv(t)
	e.file("old.txt", "old")
	must(t, os.Chmod(filepath.Join(e.rw, "old.txt"), 0o600))
	e.file("d/keep", "")
	must(t, syscall.Mkfifo(filepath.Join(e.rw, "fifo"), 0o644))
	must(t, os.Symlink("old.txt", filepath.Join(e.rw, "link")))
	for _, c := range []struct {
		name    string
		args    guestproto.WriteArgs
		code    guestproto.Code
		path    string // checked afterwards, if set
		content string
		mode    os.FileMode
	}{
		{name: "create", args: guestproto.WriteArgs{PathArgs: rw("new.txt")}, path: "new.txt", content: "data", mode: 0o644},
		{name: "create with mode", args: guestproto.WriteArgs{PathArgs: rw("d/x.sh"), Mode: 0o750}, path: "d/x.sh", content: "data", mode: 0o750},
		{name: "overwrite keeps mode", args: guestproto.WriteArgs{PathArgs: rw("old.txt"), Mode: 0o777}, path: "old.txt", content: "data", mode: 0o600},
		{name: "create only, exists", args: guestproto.WriteArgs{PathArgs: rw("old.txt"), CreateOnly: true}, code: guestproto.CodeExists},
		{name: "if hash matches", args: guestproto.WriteArgs{PathArgs: rw("old.txt"), IfSHA256: hexSHA("data")}, path: "old.txt", content: "data", mode: 0o600},
		{name: "if hash differs", args: guestproto.WriteArgs{PathArgs: rw("old.txt"), IfSHA256: hexSHA("other")}, code: guestproto.CodeConflict},
		{name: "if hash, missing", args: guestproto.WriteArgs{PathArgs: rw("missing"), IfSHA256: hexSHA("")}, code: guestproto.CodeConflict},
		{name: "bad hash", args: guestproto.WriteArgs{PathArgs: rw("old.txt"), IfSHA256: "xyz"}, code: guestproto.CodeInvalid},
		{name: "directory", args: guestproto.WriteArgs{PathArgs: rw("d")}, code: guestproto.CodeIsDir},
		{name: "share root", args: guestproto.WriteArgs{PathArgs: rw("")}, code: guestproto.CodeIsDir},
		{name: "symlink", args: guestproto.WriteArgs{PathArgs: rw("link")}, code: guestproto.CodeNotRegular},
		{name: "fifo", args: guestproto.WriteArgs{PathArgs: rw("fifo")}, code: guestproto.CodeNotRegular},
		{name: "missing parent", args: guestproto.WriteArgs{PathArgs: rw("nodir/f")}, code: guestproto.CodeNotFound},
		{name: "parent is a file", args: guestproto.WriteArgs{PathArgs: rw("old.txt/f")}, code: guestproto.CodeNotDir},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := e.write(c.args, "data")
			wantCode(t, err, c.code)
			if c.path == "" {
				return
			}
			if got := e.read(c.path); got != c.content {
				t.Errorf("content %q", got)
			}
			fi, err := os.Stat(filepath.Join(e.rw, c.path))
			must(t, err)
			if fi.Mode().Perm() != c.mode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), c.mode)
			}
		})
	}
	if got, _ := os.Readlink(filepath.Join(e.rw, "link")); got != "old.txt" {
		t.Errorf("symlink changed: %q", got)
	}
	// Staged files live in the staging directory, which is empty after.
	entries, err := os.ReadDir(filepath.Join(e.rw, TempDirName))
	must(t, err)
	if len(entries) != 0 {
		t.Errorf("staging directory holds %d entries", len(entries))
	}
	top, _ := os.ReadDir(e.rw)
	for _, de := range top {
		if strings.Contains(de.Name(), "airlock") && de.Name() != TempDirName {
			t.Errorf("stray staging file %s", de.Name())
		}
	}
}

func TestWriteTooLarge(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.WriteFile(e.ctx(), guestproto.WriteArgs{PathArgs: rw("big")}, strings.NewReader(strings.Repeat("x", MaxWriteSize+1)))
	wantCode(t, err, guestproto.CodeTooLarge)
	if _, err := os.Stat(filepath.Join(e.rw, "big")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial write visible: %v", err)
	}
}

func TestListHidesStagingDirectory(t *testing.T) {
	e := newEnv(t)
	must(t, e.write(guestproto.WriteArgs{PathArgs: rw("f")}, "data"))
	e.file("d/"+TempDirName+"/inner", "x") // only the share root's is reserved
	ctx := e.ctx()
	l, err := e.c.List(ctx, guestproto.ListArgs{PathArgs: rw("")})
	must(t, err)
	if len(l.Entries) != 2 || l.Total != 2 {
		t.Errorf("list = %+v", l)
	}
	tr, err := e.c.Tree(ctx, guestproto.TreeArgs{PathArgs: rw("")})
	must(t, err)
	var paths []string
	for _, te := range tr.Entries {
		paths = append(paths, te.Path)
	}
	if got := strings.Join(paths, ","); got != "d,d/.airlock-tmp,d/.airlock-tmp/inner,f" {
		t.Errorf("tree = %s", got)
	}
	fr, err := e.c.Find(ctx, guestproto.FindArgs{PathArgs: rw(""), Pattern: "**"})
	must(t, err)
	if strings.Join(fr.Paths, ",") != "d,d/.airlock-tmp,d/.airlock-tmp/inner,f" {
		t.Errorf("find = %v", fr.Paths)
	}
	// Through a symlink to the share root, it stays hidden.
	must(t, os.Symlink(".", filepath.Join(e.rw, "self")))
	l, err = e.c.List(ctx, guestproto.ListArgs{PathArgs: rw("self")})
	must(t, err)
	for _, fi := range l.Entries {
		if fi.Name == TempDirName {
			t.Error("listing through a symlink shows the staging directory")
		}
	}
}
