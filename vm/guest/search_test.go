package guest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func matchList(r guestproto.SearchResult) string {
	var m []string
	for _, x := range r.Matches {
		m = append(m, fmt.Sprintf("%s:%d:%s", x.Path, x.Line, x.Text))
	}
	return strings.Join(m, " | ")
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	e.file("a.go", "package a\n// TODO one\nfunc A() {}\n")
	e.file("b/b.go", "package b\n\n// todo two\n")
	e.file("b/notes.txt", "TODO three")
	e.file("vendor/v.go", "// TODO vendored\n")
	e.file("bin.dat", "TODO\x00binary")
	e.file("big.txt", strings.Repeat("TODO\n", guestproto.MaxSearchBytes/5+1))
	must(t, os.Symlink("a.go", filepath.Join(e.rw, "link.go")))
	must(t, syscall.Mkfifo(filepath.Join(e.rw, "pipe"), 0o644))
	for _, c := range []struct {
		name string
		args guestproto.SearchArgs
		want string
		code guestproto.Code
	}{
		{name: "all files", args: guestproto.SearchArgs{PathArgs: rw(""), Pattern: "TODO"},
			want: "a.go:2:// TODO one | b/notes.txt:1:TODO three | vendor/v.go:1:// TODO vendored"},
		{name: "case-insensitive", args: guestproto.SearchArgs{PathArgs: rw("b"), Pattern: "todo", CaseInsensitive: true},
			want: "b.go:3:// todo two | notes.txt:1:TODO three"},
		{name: "include", args: guestproto.SearchArgs{PathArgs: rw(""), Pattern: "TODO", Include: "*.go"},
			want: "a.go:2:// TODO one | vendor/v.go:1:// TODO vendored"},
		{name: "exclude", args: guestproto.SearchArgs{PathArgs: rw(""), Pattern: "TODO", Include: "*.go", Exclude: []string{"vendor"}},
			want: "a.go:2:// TODO one"},
		{name: "regexp", args: guestproto.SearchArgs{PathArgs: rw(""), Pattern: `^func \w+\(`}, want: "a.go:3:func A() {}"},
		{name: "one file", args: guestproto.SearchArgs{PathArgs: rw("b/b.go"), Pattern: "two"}, want: "b.go:3:// todo two"},
		{name: "symlink to a file", args: guestproto.SearchArgs{PathArgs: rw("link.go"), Pattern: "x"}, code: guestproto.CodeNotRegular},
		{name: "bad regexp", args: guestproto.SearchArgs{PathArgs: rw(""), Pattern: "a("}, code: guestproto.CodeInvalid},
		{name: "empty pattern", args: guestproto.SearchArgs{PathArgs: rw("")}, code: guestproto.CodeInvalid},
		{name: "bad include", args: guestproto.SearchArgs{PathArgs: rw(""), Pattern: "x", Include: "["}, code: guestproto.CodeInvalid},
		{name: "missing", args: guestproto.SearchArgs{PathArgs: rw("nope"), Pattern: "x"}, code: guestproto.CodeNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.c.Search(e.ctx(), c.args)
			wantCode(t, err, c.code)
			if c.code != "" {
				return
			}
			if got := matchList(r); got != c.want {
				t.Errorf("matches:\n %s\nwant\n %s", got, c.want)
			}
		})
	}
	r, err := e.c.Search(e.ctx(), guestproto.SearchArgs{PathArgs: rw(""), Pattern: "TODO"})
	must(t, err)
	if r.SkippedBinary != 1 || r.SkippedLarge != 1 || r.FilesScanned != 4 || r.Truncated {
		t.Errorf("counts: scanned %d, binary %d, large %d, truncated %v", r.FilesScanned, r.SkippedBinary, r.SkippedLarge, r.Truncated)
	}
}

func TestSearchContextAndLimits(t *testing.T) {
	e := newEnv(t)
	var lines []string
	for i := 1; i <= 20; i++ {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	lines[4] = "match A"  // line 5
	lines[6] = "match B"  // line 7
	lines[19] = "match C" // line 20, the last
	e.file("f.txt", strings.Join(lines, "\n"))
	r, err := e.c.Search(e.ctx(), guestproto.SearchArgs{PathArgs: rw(""), Pattern: "match", Context: 2})
	must(t, err)
	if len(r.Matches) != 3 {
		t.Fatalf("matches: %s", matchList(r))
	}
	a, b, c := r.Matches[0], r.Matches[1], r.Matches[2]
	check := func(what string, got []string, want ...string) {
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("A before", a.Before, "line 3", "line 4")
	check("A after", a.After, "line 6", "match B")
	check("B before", b.Before, "match A", "line 6")
	check("B after", b.After, "line 8", "line 9")
	check("C before", c.Before, "line 18", "line 19")
	check("C after", c.After)

	r, err = e.c.Search(e.ctx(), guestproto.SearchArgs{PathArgs: rw(""), Pattern: "match", MaxMatches: 2, Context: 1})
	must(t, err)
	if len(r.Matches) != 2 || !r.Truncated || strings.Join(r.Matches[1].After, ",") != "line 8" {
		t.Errorf("limited: %s truncated %v after %q", matchList(r), r.Truncated, r.Matches[1].After)
	}
}

func TestSearchClipsLongLines(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("é", 700) // 1400 bytes
	e.file("f.txt", "short\n"+long+"\n")
	r, err := e.c.Search(e.ctx(), guestproto.SearchArgs{PathArgs: rw(""), Pattern: "é", Context: 1})
	must(t, err)
	if len(r.Matches) != 1 {
		t.Fatalf("matches: %d", len(r.Matches))
	}
	text := r.Matches[0].Text
	if len(text) > maxLineBytes+len("…") || !strings.HasSuffix(text, "…") || !strings.HasPrefix(long, strings.TrimSuffix(text, "…")) {
		t.Errorf("clipped line: %d bytes, %q...", len(text), text[:20])
	}
}

func TestSearchManyMatchesFitInAFrame(t *testing.T) {
	e := newEnv(t)
	line := strings.Repeat("x", 990) + "\n"
	e.file("f.txt", strings.Repeat(line, 2000))
	r, err := e.c.Search(e.ctx(), guestproto.SearchArgs{PathArgs: rw(""), Pattern: "x", MaxMatches: guestproto.MaxMatches, Context: 3})
	must(t, err)
	if !r.Truncated || len(r.Matches) == 0 || len(r.Matches) >= guestproto.MaxMatches {
		t.Errorf("%d matches, truncated %v", len(r.Matches), r.Truncated)
	}
}
