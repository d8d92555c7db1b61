package audit

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSameState(t *testing.T) {
	now := time.Now()
	file := FileState{Exists: true, Type: KindFile, Mode: 0o644, Size: 3, SHA256: digest("abc"), MTime: now}
	touched := file
	touched.MTime = now.Add(time.Hour)
	chmodded := file
	chmodded.Mode = 0o600
	edited := file
	edited.SHA256 = digest("abd")
	unhashed := file
	unhashed.SHA256 = ""
	dir := FileState{Exists: true, Type: KindDir, Mode: 0o755, MTime: now}
	dirLater := dir
	dirLater.MTime = now.Add(time.Hour)
	link := FileState{Exists: true, Type: KindSymlink, Target: "a"}
	cases := []struct {
		a, b FileState
		want bool
	}{
		{FileState{}, FileState{}, true},
		{FileState{}, file, false},
		{file, touched, true},
		{file, chmodded, false},
		{file, edited, false},
		{file, unhashed, true},
		{unhashed, func() FileState { s := unhashed; s.MTime = touched.MTime; return s }(), false},
		{dir, dirLater, true},
		{dir, file, false},
		{link, FileState{Exists: true, Type: KindSymlink, Target: "b"}, false},
		{link, link, true},
	}
	for i, tc := range cases {
		if got := sameState(tc.a, tc.b); got != tc.want {
			t.Errorf("case %d: sameState(%v, %v) = %v", i, tc.a, tc.b, got)
		}
	}
	for _, s := range []FileState{{}, file, unhashed, dir, link, {Exists: true, Type: KindOther}} {
		if s.String() == "" {
			t.Errorf("empty description of %+v", s)
		}
	}
}

func TestCheckRelPath(t *testing.T) {
	for _, p := range []string{"a", "a/b", ".hidden", "a/..b", "..x"} {
		if err := checkRelPath(p); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
	for _, p := range []string{"", ".", "..", "../a", "a/..", "/a", "a/", "./a", "a\\b"} {
		if err := checkRelPath(p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestCapture(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "f"), "content", 0o640)
	writeFile(t, filepath.Join(dir, "notdir"), "x", 0o644)
	mkdir(t, filepath.Join(dir, "d"), 0o710)
	symlink(t, "/nonexistent/target", filepath.Join(dir, "dangling"))
	symlink(t, "d", filepath.Join(dir, "dlink"))
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	c := &capturer{root: root, hashLimit: 100}
	cases := map[string]FileState{
		"f":          {Exists: true, Type: KindFile, Mode: 0o640, Size: 7, SHA256: digest("content")},
		"d":          {Exists: true, Type: KindDir, Mode: 0o710},
		"dangling":   {Exists: true, Type: KindSymlink, Target: "/nonexistent/target"},
		"dlink":      {Exists: true, Type: KindSymlink, Target: "d"},
		"missing":    {},
		"missing/x":  {},
		"notdir/x":   {},
		"d/x/y":      {},
		"f/../../..": {},
	}
	for rel, want := range cases {
		got, err := c.capture(rel)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		got.MTime = time.Time{}
		if got != want {
			t.Errorf("%s: got %+v, want %+v", rel, got, want)
		}
	}
	if _, err := c.capture("dlink/x"); !errors.Is(err, ErrSymlinkInPath) {
		t.Errorf("through a link: %v", err)
	}
	// Over the hash limit, a file is described by size and time only.
	c.hashLimit = 3
	if got, err := c.capture("f"); err != nil || got.SHA256 != "" || got.Size != 7 || got.TooLarge {
		t.Errorf("unhashed: %+v, %v", got, err)
	}
}

func TestWalkBudget(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "t/a/b/c"), "x", 0o644)
	writeFile(t, filepath.Join(dir, "t/d"), "x", 0o644)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fi, _ := root.Lstat("t")
	var seen []string
	budget := 4
	err = walk(root, "t", fi, &budget, func(rel string, _ os.FileInfo) error {
		seen = append(seen, rel)
		return nil
	})
	if err != nil || len(seen) != 4 || budget != 0 {
		t.Fatalf("walk: %q, budget %d, %v", seen, budget, err)
	}
	budget = 3
	if err := walk(root, "t", fi, &budget, func(string, os.FileInfo) error { return nil }); !errors.Is(err, ErrTooMany) {
		t.Errorf("over budget: %v", err)
	}
	// A directory replaced after lstat is not listed under the old name.
	other, _ := root.Lstat("t/a")
	budget = 10
	if err := walk(root, "t", other, &budget, func(string, os.FileInfo) error { return nil }); !errors.Is(err, errRaced) {
		t.Errorf("replaced directory: %v", err)
	}
}
