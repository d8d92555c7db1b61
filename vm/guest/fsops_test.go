package guest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestMkdir(t *testing.T) {
	e := newEnv(t)
	e.file("file", "x")
	for _, c := range []struct {
		args guestproto.MkdirArgs
		code guestproto.Code
	}{
		{guestproto.MkdirArgs{PathArgs: rw("a")}, ""},
		{guestproto.MkdirArgs{PathArgs: rw("a")}, guestproto.CodeExists},
		{guestproto.MkdirArgs{PathArgs: rw("a"), Parents: true}, ""},
		{guestproto.MkdirArgs{PathArgs: rw("b/c/d")}, guestproto.CodeNotFound},
		{guestproto.MkdirArgs{PathArgs: rw("b/c/d"), Parents: true}, ""},
		{guestproto.MkdirArgs{PathArgs: rw("file")}, guestproto.CodeExists},
		{guestproto.MkdirArgs{PathArgs: rw("file"), Parents: true}, guestproto.CodeExists},
		{guestproto.MkdirArgs{PathArgs: rw("file/x"), Parents: true}, guestproto.CodeNotDir},
		{guestproto.MkdirArgs{PathArgs: rw("")}, guestproto.CodeExists},
		{guestproto.MkdirArgs{PathArgs: rw(""), Parents: true}, ""},
	} {
		fi, err := e.c.Mkdir(e.ctx(), c.args)
		if c.code == "" && err == nil && fi.Type != "dir" {
			t.Errorf("mkdir %+v: info %+v", c.args, fi)
		}
		if c.code != "" && err == nil {
			t.Errorf("mkdir %+v succeeded, want %s", c.args, c.code)
			continue
		}
		if c.code == "" && err != nil {
			t.Errorf("mkdir %+v: %v", c.args, err)
		} else if err != nil && !errors.Is(err, &guestproto.Error{Code: c.code}) {
			t.Errorf("mkdir %+v: %v, want %s", c.args, err, c.code)
		}
	}
	if fi, err := os.Stat(filepath.Join(e.rw, "b/c/d")); err != nil || !fi.IsDir() {
		t.Errorf("b/c/d: %v", err)
	}
}

func TestMove(t *testing.T) {
	for _, c := range []struct {
		name     string
		args     guestproto.MoveArgs
		code     guestproto.Code
		gone     string // must no longer exist
		check    string // path whose content must be checkContent
		checkVal string
	}{
		{name: "file", args: guestproto.MoveArgs{From: rw("f"), To: rw("d/g")}, gone: "f", check: "d/g", checkVal: "F"},
		{name: "onto file refused", args: guestproto.MoveArgs{From: rw("f"), To: rw("other")}, code: guestproto.CodeExists, check: "other", checkVal: "O"},
		{name: "onto file with overwrite", args: guestproto.MoveArgs{From: rw("f"), To: rw("other"), Overwrite: true}, gone: "f", check: "other", checkVal: "F"},
		{name: "onto directory", args: guestproto.MoveArgs{From: rw("f"), To: rw("d"), Overwrite: true}, code: guestproto.CodeIsDir},
		{name: "directory", args: guestproto.MoveArgs{From: rw("d"), To: rw("e")}, gone: "d", check: "e/inner", checkVal: "I"},
		{name: "directory into itself", args: guestproto.MoveArgs{From: rw("d"), To: rw("d/sub")}, code: guestproto.CodeInvalid},
		{name: "directory onto itself", args: guestproto.MoveArgs{From: rw("d"), To: rw("d")}, code: guestproto.CodeInvalid},
		{name: "directory into itself via symlink", args: guestproto.MoveArgs{From: rw("d"), To: rw("dl/sub")}, code: guestproto.CodeInvalid},
		{name: "symlink moves as a link", args: guestproto.MoveArgs{From: rw("l"), To: rw("l2")}, gone: "l", check: "f", checkVal: "F"},
		{name: "across shares", args: guestproto.MoveArgs{From: rw("f"), To: ro("f")}, code: guestproto.CodeInvalid},
		{name: "missing source", args: guestproto.MoveArgs{From: rw("nope"), To: rw("x")}, code: guestproto.CodeNotFound},
		{name: "missing destination directory", args: guestproto.MoveArgs{From: rw("f"), To: rw("nodir/x")}, code: guestproto.CodeNotFound},
		{name: "share root", args: guestproto.MoveArgs{From: rw(""), To: rw("x")}, code: guestproto.CodeInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.file("f", "F")
			e.file("other", "O")
			e.file("d/inner", "I")
			must(t, os.Symlink("f", filepath.Join(e.rw, "l")))
			must(t, os.Symlink("d", filepath.Join(e.rw, "dl")))
			fi, err := e.c.Move(e.ctx(), c.args)
			wantCode(t, err, c.code)
			if c.code == "" && fi.Name != filepath.Base(c.args.To.Path) {
				t.Errorf("result %+v", fi)
			}
			if c.gone != "" {
				if _, err := os.Lstat(filepath.Join(e.rw, c.gone)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s still there: %v", c.gone, err)
				}
			}
			if c.check != "" && e.read(c.check) != c.checkVal {
				t.Errorf("%s = %q, want %q", c.check, e.read(c.check), c.checkVal)
			}
			if c.name == "symlink moves as a link" {
				if target, err := os.Readlink(filepath.Join(e.rw, "l2")); err != nil || target != "f" {
					t.Errorf("l2 -> %q, %v", target, err)
				}
			}
		})
	}
}

func TestDelete(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx()
	e.file("f", "12345")
	e.file("target", "keep me")
	must(t, os.Symlink("target", filepath.Join(e.rw, "link")))
	must(t, os.Mkdir(filepath.Join(e.rw, "empty"), 0o755))
	e.file("tree/a", "aa")
	e.file("tree/sub/b", "bbb")
	must(t, os.Symlink("../target", filepath.Join(e.rw, "tree/sub/l")))

	r, err := e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: rw("f")})
	must(t, err)
	if r.Count != 1 || r.Bytes != 5 || strings.Join(r.Removed, ",") != "f" {
		t.Errorf("delete f = %+v", r)
	}
	_, err = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: rw("link")})
	must(t, err)
	if e.read("target") != "keep me" {
		t.Error("deleting a symlink touched its target")
	}
	_, err = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: rw("empty")})
	must(t, err)
	_, err = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: rw("tree")})
	wantCode(t, err, guestproto.CodeConflict)
	r, err = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: rw("tree"), Recursive: true})
	must(t, err)
	if got := strings.Join(r.Removed, ","); got != "tree,tree/a,tree/sub,tree/sub/b,tree/sub/l" || r.Count != 5 || r.Bytes != 5 || r.Truncated {
		t.Errorf("recursive delete = %s %+v", got, r)
	}
	if e.read("target") != "keep me" {
		t.Error("recursive delete followed a symlink")
	}
	_, err = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: rw(""), Recursive: true})
	wantCode(t, err, guestproto.CodeInvalid)
	_, err = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: rw("nope")})
	wantCode(t, err, guestproto.CodeNotFound)
	entries, _ := os.ReadDir(e.rw)
	if len(entries) != 1 {
		t.Errorf("%d entries left, want only target", len(entries))
	}
}
