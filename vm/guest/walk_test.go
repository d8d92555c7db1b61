package guest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// TestTreeDeepNesting walks a directory chain deeper than the maximum
// depth: it stops at MaxTreeDepth without error.
func TestTreeDeepNesting(t *testing.T) {
	e := newEnv(t)
	p := e.rw
	for range guestproto.MaxTreeDepth + 10 {
		p = filepath.Join(p, "d")
	}
	must(t, os.MkdirAll(p, 0o755))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := e.c.Tree(ctx, guestproto.TreeArgs{PathArgs: rw("")})
	must(t, err)
	if len(r.Entries) != guestproto.MaxTreeDepth {
		t.Errorf("%d entries, want %d", len(r.Entries), guestproto.MaxTreeDepth)
	}
}

func TestMatchGlob(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"*.go", "a.go", true},
		{"*.go", "x/a.go", false},
		{"**", "x/y/z", true},
		{"**/*.go", "a.go", true},
		{"**/*.go", "x/y/a.go", true},
		{"x/**", "x", true},
		{"x/**", "x/y", true},
		{"x/**/z", "x/z", true},
		{"x/**/z", "x/a/b/z", true},
		{"x/**/z", "x/a/b/y", false},
		{"x/*/z", "x/a/b/z", false},
		{"a/**/b/**/c", "a/1/b/2/3/c", true},
		{"a/**/b/**/c", "a/1/2/3/c", false},
		{strings.Repeat("**/", 30) + "x", strings.Repeat("a/", 60) + "y", false},
	} {
		if got := matchGlob(c.pattern, c.name); got != c.want {
			t.Errorf("matchGlob(%q, %q) = %v", c.pattern, c.name, got)
		}
	}
}

func TestWalkerNeverFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"a/b", "c"} {
		must(t, os.MkdirAll(filepath.Join(dir, d), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(dir, "a/b/f"), nil, 0o644))
	must(t, os.Symlink(".", filepath.Join(dir, "a/loop")))
	must(t, os.Symlink("../a", filepath.Join(dir, "c/up")))
	m, err := openMount(Mount{Name: "m", Dir: dir})
	must(t, err)
	defer m.close()

	var seen []string
	w := &walker{ctx: context.Background(), m: m, maxDepth: 100}
	must(t, w.run(m.root, func(e walkEntry) (bool, error) {
		seen = append(seen, e.rel)
		return true, nil
	}))
	if got := strings.Join(seen, " "); got != "a a/b a/b/f a/loop c c/up" || w.incomplete {
		t.Errorf("walk = %s (incomplete %v)", got, w.incomplete)
	}

	// A tiny budget of held names: the walk is cut and says so.
	seen = nil
	w = &walker{ctx: context.Background(), m: m, maxDepth: 100, maxHeld: 3}
	must(t, w.run(m.root, func(e walkEntry) (bool, error) {
		seen = append(seen, e.rel)
		return true, nil
	}))
	if !w.incomplete || len(seen) >= 6 {
		t.Errorf("budgeted walk = %v (incomplete %v)", seen, w.incomplete)
	}

	// Cancellation stops the walk.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w = &walker{ctx: ctx, m: m, maxDepth: 100}
	if err := w.run(m.root, func(walkEntry) (bool, error) { return true, nil }); err == nil {
		t.Error("cancelled walk succeeded")
	}
}
