package rootfs

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := writeBytesAtomic(path, 0o640, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := writeBytesAtomic(path, 0o640, []byte("two")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	info, _ := os.Stat(path)
	if string(data) != "two" || info.Mode().Perm() != 0o640 {
		t.Errorf("got %q %v", data, info.Mode())
	}

	// A failing writer leaves the old file and no temporary file.
	err := writeFileAtomic(path, 0o644, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("error not reported")
	}
	data, _ = os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(data) != "two" || len(entries) != 1 {
		t.Errorf("after failure: %q, %d entries", data, len(entries))
	}
	if err := writeBytesAtomic(filepath.Join(dir, "missing", "f"), 0o644, nil); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func TestHashFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("abc"), 0o644)
	sum, size, err := hashFile(path)
	if err != nil || size != 3 || sum != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || sum != sha256Hex([]byte("abc")) {
		t.Errorf("got %s %d %v", sum, size, err)
	}
	if _, _, err := hashFile(path + ".missing"); err == nil {
		t.Error("missing file hashed")
	}
}

func TestLinkOrCopy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("kernel"), 0o644)
	dst := filepath.Join(dir, "dst")
	if err := linkOrCopy(src, dst); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(dst); string(data) != "kernel" {
		t.Errorf("got %q", data)
	}
	if err := linkOrCopy(src, dst); err == nil {
		t.Error("existing destination overwritten")
	}
	if err := linkOrCopy(filepath.Join(dir, "missing"), filepath.Join(dir, "x")); err == nil {
		t.Error("missing source accepted")
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, ".tmp-123"), 0o755)
	os.WriteFile(filepath.Join(dir, ".tmp-123", "f"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, ".tmp-file"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644)
	if err := removeStale(dir, ".tmp-"); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "keep" {
		t.Errorf("left %v", entries)
	}
}
