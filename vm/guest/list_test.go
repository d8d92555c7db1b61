package guest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func names(fis []guestproto.FileInfo) string {
	var n []string
	for _, fi := range fis {
		n = append(n, fi.Name)
	}
	return strings.Join(n, ",")
}

func TestList(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	for i, name := range []string{"b", "a", "c"} {
		p := e.file(name, strings.Repeat("x", 10*(i+1))) // b 10, a 20, c 30 bytes
		mt := now.Add(-time.Duration(i) * time.Hour)     // b newest, c oldest
		must(t, os.Chtimes(p, mt, mt))
	}
	must(t, os.Mkdir(filepath.Join(e.rw, "dir"), 0o755))
	must(t, os.Symlink("/etc/passwd", filepath.Join(e.rw, "link")))
	e.file("s/big", strings.Repeat("x", 300))
	e.file("s/mid", strings.Repeat("x", 200))
	e.file("s/small", "x")
	e.file("s/also-small", "y")
	for _, c := range []struct {
		args      guestproto.ListArgs
		want      string
		total     int
		truncated bool
		code      guestproto.Code
	}{
		{args: guestproto.ListArgs{PathArgs: rw("")}, want: "a,b,c,dir,link,s", total: 6},
		{args: guestproto.ListArgs{PathArgs: rw(""), SortBy: "name", Limit: 2}, want: "a,b", total: 6, truncated: true},
		{args: guestproto.ListArgs{PathArgs: rw("s"), SortBy: "size"}, want: "big,mid,also-small,small", total: 4},
		{args: guestproto.ListArgs{PathArgs: rw("s"), SortBy: "size", Limit: 1}, want: "big", total: 4, truncated: true},
		{args: guestproto.ListArgs{PathArgs: rw("dir")}, want: "", total: 0},
		{args: guestproto.ListArgs{PathArgs: rw(""), SortBy: "color"}, code: guestproto.CodeInvalid},
		{args: guestproto.ListArgs{PathArgs: rw(""), Limit: -1}, code: guestproto.CodeInvalid},
		{args: guestproto.ListArgs{PathArgs: rw("a")}, code: guestproto.CodeNotDir},
		{args: guestproto.ListArgs{PathArgs: rw("link")}, code: guestproto.CodeOutside},
		{args: guestproto.ListArgs{PathArgs: rw("nope")}, code: guestproto.CodeNotFound},
	} {
		l, err := e.c.List(e.ctx(), c.args)
		wantCode(t, err, c.code)
		if c.code != "" {
			continue
		}
		if got := names(l.Entries); got != c.want || l.Truncated != c.truncated || l.Total != c.total {
			t.Errorf("list %+v = %s (truncated %v, total %d), want %s", c.args, got, l.Truncated, l.Total, c.want)
		}
	}
	l, err := e.c.List(e.ctx(), guestproto.ListArgs{PathArgs: rw(""), SortBy: "mtime"})
	must(t, err)
	// dir, link and s were made after b's "now".
	if got := names(l.Entries); !strings.HasSuffix(got, "b,a,c") || l.Total != 6 {
		t.Errorf("by mtime: %s", got)
	}
	for _, fi := range l.Entries {
		switch fi.Name {
		case "link":
			if fi.Type != "symlink" || fi.Target != "/etc/passwd" {
				t.Errorf("link entry %+v", fi)
			}
		case "dir":
			if fi.Type != "dir" {
				t.Errorf("dir entry %+v", fi)
			}
		case "a":
			if fi.Type != "file" || fi.Size != 20 || fi.Mode != 0o644 {
				t.Errorf("a entry %+v", fi)
			}
		}
	}
}

func TestBest(t *testing.T) {
	b := &best[int]{k: 5, cmp: func(x, y int) int { return x - y }}
	for i := range 10_000 {
		b.add((i * 7919) % 10_000)
	}
	if got := b.sorted(); !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Errorf("best = %v", got)
	}
}

func TestListHugeDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 100,000 files")
	}
	e := newEnv(t)
	dir := filepath.Join(e.rw, "huge")
	must(t, os.Mkdir(dir, 0o755))
	for i := range 100_000 {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("f%06d", 99_999-i)))
		must(t, err)
		f.Close()
	}
	for _, sortBy := range []string{"name", "size"} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		l, err := e.c.List(e.ctx(), guestproto.ListArgs{PathArgs: rw("huge"), SortBy: sortBy})
		must(t, err)
		d := time.Since(start)
		runtime.ReadMemStats(&after)
		t.Logf("sort by %s: %d of %d entries in %v; %d MiB allocated (client and server), heap in use %d MiB after",
			sortBy, len(l.Entries), l.Total, d, (after.TotalAlloc-before.TotalAlloc)>>20, after.HeapInuse>>20)
		if len(l.Entries) != guestproto.MaxEntries || l.Total != 100_000 || !l.Truncated {
			t.Fatalf("got %d entries, total %d, truncated %v", len(l.Entries), l.Total, l.Truncated)
		}
		if l.Entries[0].Name != "f000000" || l.Entries[len(l.Entries)-1].Name != "f009999" {
			t.Errorf("first %s, last %s", l.Entries[0].Name, l.Entries[len(l.Entries)-1].Name)
		}
	}
}

// TestListFitsInAFrame lists entries whose encoding is larger than one
// response frame: the listing is cut, not refused.
func TestListFitsInAFrame(t *testing.T) {
	e := newEnv(t)
	for i := range 6000 {
		e.file(fmt.Sprintf("d/%s%05d", strings.Repeat("n", 200), i), "")
	}
	l, err := e.c.List(e.ctx(), guestproto.ListArgs{PathArgs: rw("d")})
	must(t, err)
	if !l.Truncated || l.Total != 6000 || len(l.Entries) == 0 || len(l.Entries) >= 6000 {
		t.Errorf("got %d entries of %d, truncated %v", len(l.Entries), l.Total, l.Truncated)
	}
	t.Logf("%d of %d entries fit", len(l.Entries), l.Total)
}
