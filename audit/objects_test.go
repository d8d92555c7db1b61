package audit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestObjectStore(t *testing.T) {
	dir := t.TempDir()
	s := &objectStore{dir: dir}
	big := bytes.Repeat([]byte("0123456789abcdef"), smallObject/16*3+1) // streamed
	for _, data := range [][]byte{nil, []byte("small"), big} {
		sum, n, ok, err := s.put(bytes.NewReader(data), int64(len(data)))
		if err != nil || !ok || n != int64(len(data)) || sum != digest(string(data)) {
			t.Fatalf("put %d bytes: %s %d %v %v", len(data), sum, n, ok, err)
		}
		got, err := os.ReadFile(filepath.Join(dir, sum))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("object of %d bytes: %d bytes, %v", len(data), len(got), err)
		}
	}
	if !s.wrote.Load() {
		t.Error("no sync pending")
	}
	must(t, s.sync())
	// A duplicate is not written again.
	if _, _, ok, err := s.put(strings.NewReader("small"), 10); !ok || err != nil || s.wrote.Load() {
		t.Errorf("duplicate: ok=%v wrote=%v %v", ok, s.wrote.Load(), err)
	}
	// A damaged copy is replaced rather than reused.
	must(t, os.WriteFile(filepath.Join(dir, digest("small")), []byte("smell"), 0o600))
	if _, _, ok, err := s.put(strings.NewReader("small"), 10); !ok || err != nil || !s.wrote.Load() {
		t.Errorf("damaged duplicate: ok=%v wrote=%v %v", ok, s.wrote.Load(), err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, digest("small"))); string(b) != "small" {
		t.Errorf("damaged object kept: %q", b)
	}
	// Content over the limit is not kept, whether small or streamed.
	for _, data := range [][]byte{[]byte("too long"), append(big, 'x')} {
		if _, _, ok, err := s.put(bytes.NewReader(data), int64(len(data)-1)); ok || err != nil {
			t.Errorf("over the limit: ok=%v %v", ok, err)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 {
		t.Errorf("%d files in the store, want 3 (no temporary files)", len(ents))
	}
}

func TestValidDigest(t *testing.T) {
	if !validDigest(digest("x")) {
		t.Error("valid digest refused")
	}
	for _, d := range []string{"", "abc", strings.ToUpper(digest("x")), strings.Repeat("g", 64), "../" + digest("x")[3:]} {
		if validDigest(d) {
			t.Errorf("%q accepted", d)
		}
	}
}

func TestEnsureDir(t *testing.T) {
	base := t.TempDir()
	must(t, ensureDir(filepath.Join(base, "a/b/c")))
	must(t, ensureDir(filepath.Join(base, "a/b/c")))
	if fi, err := os.Stat(filepath.Join(base, "a/b")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("a/b: %v, %v", fi, err)
	}
	writeFile(t, filepath.Join(base, "file"), "x", 0o644)
	if err := ensureDir(filepath.Join(base, "file")); err == nil {
		t.Error("a file accepted as a directory")
	}
	if err := ensureDir(filepath.Join(base, "file/sub")); err == nil {
		t.Error("a directory below a file created")
	}
}
