package vm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestSweepTemp(t *testing.T) {
	base := t.TempDir()
	rw, ro, outside := filepath.Join(base, "rw"), filepath.Join(base, "ro"), filepath.Join(base, "outside")
	for _, d := range []string{rw, ro, outside, filepath.Join(rw, guestproto.TempDirName), filepath.Join(ro, guestproto.TempDirName)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(rw, guestproto.TempDirName, "partial"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(rw, "keep.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(outside, "precious"), []byte("x"), 0o644)

	// A second share whose staging directory is a symlink to outside:
	// sweeping removes the link, never what it points at.
	evil := filepath.Join(base, "evil")
	os.Mkdir(evil, 0o755)
	os.Symlink(outside, filepath.Join(evil, guestproto.TempDirName))

	err := SweepTemp([]Share{{Name: "rw", HostPath: rw}, {Name: "ro", HostPath: ro, ReadOnly: true}, {Name: "evil", HostPath: evil}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(rw, guestproto.TempDirName)); !os.IsNotExist(err) {
		t.Errorf("staging dir left in rw share: %v", err)
	}
	if _, err := os.Stat(filepath.Join(rw, "keep.txt")); err != nil {
		t.Errorf("user file removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(ro, guestproto.TempDirName)); err != nil {
		t.Errorf("read-only share touched: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "precious")); err != nil {
		t.Errorf("sweep followed a symlink out of the share: %v", err)
	}
}
