package guest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestEdit(t *testing.T) {
	const orig = "alpha\nbeta\ngamma\nbeta\n"
	for _, c := range []struct {
		name    string
		edits   []guestproto.Edit
		dryRun  bool
		ifSHA   string
		code    guestproto.Code
		msg     string // in the error message
		want    string // file content afterwards
		replace int
	}{
		{name: "unique", edits: []guestproto.Edit{{Old: "alpha", New: "ALPHA"}}, want: "ALPHA\nbeta\ngamma\nbeta\n", replace: 1},
		{name: "replace all", edits: []guestproto.Edit{{Old: "beta", New: "B", ReplaceAll: true}}, want: "alpha\nB\ngamma\nB\n", replace: 2},
		{name: "in order", edits: []guestproto.Edit{{Old: "alpha", New: "x"}, {Old: "x\nbeta", New: "y"}}, want: "y\ngamma\nbeta\n", replace: 2},
		{name: "not unique", edits: []guestproto.Edit{{Old: "alpha", New: "a"}, {Old: "beta", New: "b"}}, code: guestproto.CodeConflict, msg: "edits[1]: old text found 2 times"},
		{name: "not found", edits: []guestproto.Edit{{Old: "delta", New: "d"}}, code: guestproto.CodeConflict, msg: "edits[0]: old text not found (0 occurrences)"},
		{name: "empty old", edits: []guestproto.Edit{{Old: "", New: "x"}}, code: guestproto.CodeInvalid, msg: "edits[0]"},
		{name: "no edits", code: guestproto.CodeInvalid},
		{name: "dry run", edits: []guestproto.Edit{{Old: "gamma", New: "G"}}, dryRun: true, want: orig, replace: 1},
		{name: "if hash matches", edits: []guestproto.Edit{{Old: "gamma", New: "G"}}, ifSHA: hexSHA(orig), want: "alpha\nbeta\nG\nbeta\n", replace: 1},
		{name: "if hash differs", edits: []guestproto.Edit{{Old: "gamma", New: "G"}}, ifSHA: hexSHA("x"), code: guestproto.CodeConflict},
		{name: "no change", edits: []guestproto.Edit{{Old: "gamma", New: "gamma"}}, want: orig, replace: 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			p := e.file("f.txt", orig)
			must(t, os.Chmod(p, 0o640))
			res, err := e.c.Edit(e.ctx(), guestproto.EditArgs{PathArgs: rw("f.txt"), Edits: c.edits, DryRun: c.dryRun, IfSHA256: c.ifSHA})
			wantCode(t, err, c.code)
			if c.code != "" {
				var ge *guestproto.Error
				if errors.As(err, &ge) && !strings.Contains(ge.Message, c.msg) {
					t.Errorf("message %q lacks %q", ge.Message, c.msg)
				}
				if e.read("f.txt") != orig {
					t.Error("file changed by a failed edit")
				}
				return
			}
			if got := e.read("f.txt"); got != c.want {
				t.Errorf("content %q, want %q", got, c.want)
			}
			if res.Replacements != c.replace || res.OldSHA256 != hexSHA(orig) {
				t.Errorf("result %+v", res)
			}
			after := c.want
			if c.dryRun {
				after = strings.Replace(orig, "gamma", "G", 1)
			}
			if res.NewSHA256 != hexSHA(after) {
				t.Errorf("new hash %s, want that of %q", res.NewSHA256, after)
			}
			if (res.Diff == "") != (after == orig) || res.Diff != unifiedDiff("f.txt", orig, after) {
				t.Errorf("diff %q", res.Diff)
			}
			fi, err := os.Stat(p)
			must(t, err)
			if fi.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want 0640 kept", fi.Mode().Perm())
			}
		})
	}
}

func TestEditDiffFormat(t *testing.T) {
	e := newEnv(t)
	e.file("src/x.go", "package x\n\nfunc A() int {\n\treturn 1\n}\n")
	res, err := e.c.Edit(e.ctx(), guestproto.EditArgs{PathArgs: rw("src/x.go"), Edits: []guestproto.Edit{{Old: "return 1", New: "return 2"}}})
	must(t, err)
	want := "--- a/src/x.go\n+++ b/src/x.go\n@@ -1,5 +1,5 @@\n package x\n \n func A() int {\n-\treturn 1\n+\treturn 2\n }\n"
	if res.Diff != want {
		t.Errorf("diff:\n%s\nwant:\n%s", res.Diff, want)
	}
}

func TestEditRefusals(t *testing.T) {
	e := newEnv(t)
	e.file("big.txt", strings.Repeat("x", MaxEditSize+1))
	e.file("small.txt", "ab")
	must(t, os.Symlink("small.txt", filepath.Join(e.rw, "link")))
	one := []guestproto.Edit{{Old: "a", New: "b"}}
	for _, c := range []struct {
		args guestproto.EditArgs
		code guestproto.Code
	}{
		{guestproto.EditArgs{PathArgs: rw("big.txt"), Edits: one}, guestproto.CodeTooLarge},
		{guestproto.EditArgs{PathArgs: rw("small.txt"), Edits: []guestproto.Edit{{Old: "a", New: strings.Repeat("y", 600_000)}, {Old: "y", New: strings.Repeat("z", 20), ReplaceAll: true}}}, guestproto.CodeTooLarge},
		{guestproto.EditArgs{PathArgs: rw("link"), Edits: one}, guestproto.CodeNotRegular},
		{guestproto.EditArgs{PathArgs: rw(""), Edits: one}, guestproto.CodeIsDir},
		{guestproto.EditArgs{PathArgs: rw("missing"), Edits: one}, guestproto.CodeNotFound},
		{guestproto.EditArgs{PathArgs: rw("small.txt"), Edits: make([]guestproto.Edit, guestproto.MaxEdits+1)}, guestproto.CodeInvalid},
	} {
		_, err := e.c.Edit(e.ctx(), c.args)
		wantCode(t, err, c.code)
	}
	if e.read("small.txt") != "ab" {
		t.Error("small.txt changed")
	}
}

// TestEditHugeDiffFitsInAFrame rewrites every line of a large file: the
// edit is applied and the diff is cut to fit in a response frame.
func TestEditHugeDiffFitsInAFrame(t *testing.T) {
	e := newEnv(t)
	e.file("f.txt", strings.Repeat("<old line>\n", 200_000))
	res, err := e.c.Edit(e.ctx(), guestproto.EditArgs{PathArgs: rw("f.txt"), Edits: []guestproto.Edit{{Old: "old", New: "new", ReplaceAll: true}}})
	must(t, err)
	if res.Replacements != 200_000 || !strings.Contains(res.Diff, "\\ diff truncated:") {
		t.Errorf("replacements %d, diff ends %q", res.Replacements, res.Diff[max(0, len(res.Diff)-80):])
	}
	if e.read("f.txt") != strings.Repeat("<new line>\n", 200_000) {
		t.Error("edit not applied")
	}
}
