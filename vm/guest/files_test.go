package guest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestCleanPathAndReserved(t *testing.T) {
	for _, c := range []struct {
		in, out  string
		code     guestproto.Code
		reserved bool
	}{
		{in: "", out: "."},
		{in: "a//b/./c/", out: "a/b/c"},
		{in: "../a", code: guestproto.CodeOutside},
		{in: "a/../../b", code: guestproto.CodeOutside},
		{in: "/etc", code: guestproto.CodeOutside},
		{in: `a\b`, code: guestproto.CodeInvalid},
		{in: "a\x00b", code: guestproto.CodeInvalid},
		{in: ".airlock-tmp", out: ".airlock-tmp", reserved: true},
		{in: "./.Airlock-Tmp/x", out: ".Airlock-Tmp/x", reserved: true},
		{in: "d/.airlock-tmp", out: "d/.airlock-tmp"},
		{in: ".airlock-tmpx", out: ".airlock-tmpx"},
	} {
		got, err := CleanPath(c.in)
		if c.code != "" {
			wantCode(t, err, c.code)
			continue
		}
		if err != nil || got != c.out {
			t.Errorf("CleanPath(%q) = %q, %v; want %q", c.in, got, err, c.out)
		}
		if isReserved(got) != c.reserved {
			t.Errorf("isReserved(%q) = %v", got, !c.reserved)
		}
	}
}

func TestStatFillsEverything(t *testing.T) {
	e := newEnv(t)
	p := e.file("f.txt", "hello")
	must(t, os.Link(p, filepath.Join(e.rw, "hard")))
	must(t, os.Symlink("f.txt", filepath.Join(e.rw, "l")))
	past := time.Date(2020, 1, 2, 3, 4, 5, 6000, time.UTC)
	must(t, os.Chtimes(p, past, past))
	ctx := e.ctx()

	fi, err := e.c.Stat(ctx, rw("f.txt"))
	must(t, err)
	if fi.Name != "f.txt" || fi.Size != 5 || fi.Type != "file" || fi.Mode != 0o644 || fi.Nlink != 2 || fi.Inode == 0 {
		t.Errorf("stat f.txt = %+v", fi)
	}
	if !fi.ModTime.Equal(past) || !fi.AccessTime.Equal(past) || fi.ChangeTime.IsZero() {
		t.Errorf("times = %v %v %v, want %v", fi.ModTime, fi.AccessTime, fi.ChangeTime, past)
	}
	l, err := e.c.Stat(ctx, rw("l"))
	must(t, err)
	if l.Type != "symlink" || l.Target != "f.txt" {
		t.Errorf("stat l = %+v", l)
	}
	root, err := e.c.Stat(ctx, rw(""))
	must(t, err)
	if root.Type != "dir" {
		t.Errorf("stat root = %+v", root)
	}
	_, err = e.c.Stat(ctx, rw("missing"))
	wantCode(t, err, guestproto.CodeNotFound)
}
