package guest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestCopyFile(t *testing.T) {
	e := newEnv(t)
	p := e.file("f.sh", "#!/bin/sh\n")
	must(t, os.Chmod(p, 0o751))
	e.file("other", "other")
	must(t, os.Symlink("f.sh", filepath.Join(e.rw, "link")))
	must(t, os.Mkdir(filepath.Join(e.rw, "d"), 0o755))
	must(t, syscall.Mkfifo(filepath.Join(e.rw, "fifo"), 0o644))
	ctx := e.ctx()

	r, err := e.c.Copy(ctx, guestproto.CopyArgs{From: rw("f.sh"), To: rw("d/g.sh")})
	must(t, err)
	if r.Files != 1 || r.Bytes != 10 || e.read("d/g.sh") != "#!/bin/sh\n" {
		t.Errorf("copy = %+v", r)
	}
	if fi, _ := os.Stat(filepath.Join(e.rw, "d/g.sh")); fi.Mode().Perm() != 0o751 {
		t.Errorf("mode %v, want 0751", fi.Mode().Perm())
	}
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("f.sh"), To: rw("other")})
	wantCode(t, err, guestproto.CodeExists)
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("f.sh"), To: rw("other"), Overwrite: true})
	must(t, err)
	if e.read("other") != "#!/bin/sh\n" {
		t.Error("overwrite did not replace")
	}
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("f.sh"), To: rw("d"), Overwrite: true})
	wantCode(t, err, guestproto.CodeIsDir)
	// A symlink is copied as a symlink.
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("link"), To: rw("link2")})
	must(t, err)
	if target, err := os.Readlink(filepath.Join(e.rw, "link2")); err != nil || target != "f.sh" {
		t.Errorf("link2 -> %q, %v", target, err)
	}
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("fifo"), To: rw("fifo2")})
	wantCode(t, err, guestproto.CodeNotRegular)
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("d"), To: rw("d2")})
	wantCode(t, err, guestproto.CodeIsDir)
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("f.sh"), To: rw("nodir/x")})
	wantCode(t, err, guestproto.CodeNotFound)
	// Across shares, out of the read-only one.
	must(t, os.WriteFile(filepath.Join(e.ro, "ro.txt"), []byte("from ro"), 0o644))
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: ro("ro.txt"), To: rw("from-ro.txt")})
	must(t, err)
	if e.read("from-ro.txt") != "from ro" {
		t.Error("cross-share copy")
	}
}

func TestCopyTree(t *testing.T) {
	e := newEnv(t)
	e.file("src/a", "aa")
	e.file("src/sub/b", "bbb")
	must(t, os.Chmod(filepath.Join(e.rw, "src/sub"), 0o550))
	defer os.Chmod(filepath.Join(e.rw, "src/sub"), 0o755)
	must(t, os.Symlink("../a", filepath.Join(e.rw, "src/sub/l")))
	must(t, os.Symlink("/etc/passwd", filepath.Join(e.rw, "src/abs")))
	must(t, syscall.Mkfifo(filepath.Join(e.rw, "src/fifo"), 0o644))
	ctx := e.ctx()

	r, err := e.c.Copy(ctx, guestproto.CopyArgs{From: rw("src"), To: rw("dst"), Recursive: true})
	must(t, err)
	if r.Files != 4 || r.Bytes != 5 {
		t.Errorf("copy = %+v, want 4 files (2 regular, 2 symlinks), 5 bytes", r)
	}
	if e.read("dst/a") != "aa" || e.read("dst/sub/b") != "bbb" {
		t.Error("contents differ")
	}
	for link, want := range map[string]string{"dst/sub/l": "../a", "dst/abs": "/etc/passwd"} {
		if got, err := os.Readlink(filepath.Join(e.rw, link)); err != nil || got != want {
			t.Errorf("%s -> %q (%v), want %q", link, got, err, want)
		}
	}
	if _, err := os.Lstat(filepath.Join(e.rw, "dst/fifo")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("fifo copied: %v", err)
	}
	if fi, _ := os.Stat(filepath.Join(e.rw, "dst/sub")); fi.Mode().Perm() != 0o550 {
		t.Errorf("dst/sub mode %v, want 0550", fi.Mode().Perm())
	}
	os.Chmod(filepath.Join(e.rw, "dst/sub"), 0o755)

	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("src"), To: rw("dst"), Recursive: true})
	wantCode(t, err, guestproto.CodeExists)
	// Overwrite merges: files replaced, others kept.
	e.file("dst/extra", "kept")
	e.file("dst/a", "changed")
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("src"), To: rw("dst"), Recursive: true, Overwrite: true})
	must(t, err)
	if e.read("dst/a") != "aa" || e.read("dst/extra") != "kept" {
		t.Error("merge wrong")
	}
	// A type clash is found before anything is written.
	must(t, os.RemoveAll(filepath.Join(e.rw, "dst/sub")))
	e.file("dst/sub", "a file where src has a directory")
	e.file("dst/a", "changed again")
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("src"), To: rw("dst"), Recursive: true, Overwrite: true})
	wantCode(t, err, guestproto.CodeNotDir)
	if e.read("dst/a") != "changed again" {
		t.Error("copy wrote before finding the clash")
	}

	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("src"), To: rw("src/inner"), Recursive: true})
	wantCode(t, err, guestproto.CodeInvalid)
	_, err = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("src"), To: ro("x"), Recursive: true})
	wantCode(t, err, guestproto.CodeReadOnly)
}

func TestCopyLimitsCheckedBeforeWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 10,001 files")
	}
	e := newEnv(t)
	for i := range guestproto.MaxEntries + 1 {
		e.file(fmt.Sprintf("many/%05d", i), "")
	}
	_, err := e.c.Copy(e.ctx(), guestproto.CopyArgs{From: rw("many"), To: rw("copy"), Recursive: true})
	wantCode(t, err, guestproto.CodeTooLarge)
	if _, err := os.Lstat(filepath.Join(e.rw, "copy")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("copy started writing: %v", err)
	}
	// A sparse file over the byte limit.
	f, err := os.Create(filepath.Join(e.rw, "huge"))
	must(t, err)
	must(t, f.Truncate(MaxCopyBytes+1))
	f.Close()
	_, err = e.c.Copy(e.ctx(), guestproto.CopyArgs{From: rw("huge"), To: rw("huge2")})
	wantCode(t, err, guestproto.CodeTooLarge)
}
