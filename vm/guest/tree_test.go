package guest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func treePaths(r guestproto.TreeResult) string {
	var p []string
	for _, e := range r.Entries {
		p = append(p, e.Path+":"+e.Type)
	}
	return strings.Join(p, " ")
}

func TestTree(t *testing.T) {
	e := newEnv(t)
	e.file("src/main.go", "package main")
	e.file("src/lib/a.go", "package lib")
	e.file("src/lib/deep/b.go", "package deep")
	e.file("node_modules/x/index.js", "")
	e.file("README", "hi")
	must(t, os.Symlink("src", filepath.Join(e.rw, "loop")))
	must(t, os.Symlink(".", filepath.Join(e.rw, "src/self")))
	for _, c := range []struct {
		name      string
		args      guestproto.TreeArgs
		want      string
		truncated bool
		code      guestproto.Code
	}{
		{name: "all", args: guestproto.TreeArgs{PathArgs: rw("src")},
			want: "lib:dir lib/a.go:file lib/deep:dir lib/deep/b.go:file main.go:file self:symlink"},
		{name: "depth 1", args: guestproto.TreeArgs{PathArgs: rw("src"), Depth: 1}, want: "lib:dir main.go:file self:symlink"},
		{name: "depth 2", args: guestproto.TreeArgs{PathArgs: rw("src"), Depth: 2},
			want: "lib:dir lib/a.go:file lib/deep:dir main.go:file self:symlink"},
		{name: "exclude base name", args: guestproto.TreeArgs{PathArgs: rw(""), Exclude: []string{"node_modules", "src"}},
			want: "README:file loop:symlink"},
		{name: "exclude path glob", args: guestproto.TreeArgs{PathArgs: rw("src"), Exclude: []string{"lib/**/*.go", "self"}},
			want: "lib:dir lib/deep:dir main.go:file"},
		{name: "limit", args: guestproto.TreeArgs{PathArgs: rw("src"), Limit: 2}, want: "lib:dir lib/a.go:file", truncated: true},
		{name: "through a symlink at the top", args: guestproto.TreeArgs{PathArgs: rw("loop"), Depth: 1}, want: "lib:dir main.go:file self:symlink"},
		{name: "bad exclude", args: guestproto.TreeArgs{PathArgs: rw(""), Exclude: []string{"["}}, code: guestproto.CodeInvalid},
		{name: "negative depth", args: guestproto.TreeArgs{PathArgs: rw(""), Depth: -1}, code: guestproto.CodeInvalid},
		{name: "file", args: guestproto.TreeArgs{PathArgs: rw("README")}, code: guestproto.CodeNotDir},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.c.Tree(e.ctx(), c.args)
			wantCode(t, err, c.code)
			if c.code != "" {
				return
			}
			if got := treePaths(r); got != c.want || r.Truncated != c.truncated {
				t.Errorf("tree = %s (truncated %v)\nwant   %s", got, r.Truncated, c.want)
			}
		})
	}
}

func TestFind(t *testing.T) {
	e := newEnv(t)
	e.file("a.go", "")
	e.file("x/b.go", "")
	e.file("x/y/c.go", "")
	e.file("x/y/c.txt", "")
	e.file("vendor/v.go", "")
	must(t, os.Symlink("x", filepath.Join(e.rw, "x.go")))
	for _, c := range []struct {
		args guestproto.FindArgs
		want string
		code guestproto.Code
	}{
		{args: guestproto.FindArgs{PathArgs: rw(""), Pattern: "*.go"}, want: "a.go vendor/v.go x/b.go x/y/c.go x.go"},
		{args: guestproto.FindArgs{PathArgs: rw(""), Pattern: "x/**/*.go"}, want: "x/b.go x/y/c.go"},
		{args: guestproto.FindArgs{PathArgs: rw(""), Pattern: "**/y"}, want: "x/y"},
		{args: guestproto.FindArgs{PathArgs: rw(""), Pattern: "*.go", Exclude: []string{"vendor"}}, want: "a.go x/b.go x/y/c.go x.go"},
		{args: guestproto.FindArgs{PathArgs: rw("x"), Pattern: "y/*"}, want: "y/c.go y/c.txt"},
		{args: guestproto.FindArgs{PathArgs: rw(""), Pattern: "*.go", Limit: 1}, want: "a.go"},
		{args: guestproto.FindArgs{PathArgs: rw(""), Pattern: ""}, code: guestproto.CodeInvalid},
		{args: guestproto.FindArgs{PathArgs: rw(""), Pattern: "[z-a"}, code: guestproto.CodeInvalid},
	} {
		r, err := e.c.Find(e.ctx(), c.args)
		wantCode(t, err, c.code)
		if c.code != "" {
			continue
		}
		if got := strings.Join(r.Paths, " "); got != c.want {
			t.Errorf("find %q in %q = %s, want %s", c.args.Pattern, c.args.Path, got, c.want)
		}
		if r.Truncated != (c.args.Limit == 1) {
			t.Errorf("find %q: truncated %v", c.args.Pattern, r.Truncated)
		}
	}
}
