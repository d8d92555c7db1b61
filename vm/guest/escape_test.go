package guest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIsEscapeRecognisesOSRoot(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("/etc", filepath.Join(dir, "up")); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, name := range []string{"up/passwd", "../x"} {
		_, err := r.Open(name)
		if err == nil {
			t.Fatalf("os.Root opened %q", name)
		}
		if !isEscape(err) {
			t.Errorf("isEscape(%v) = false; the os package changed its error text", err)
		}
		if got := toProtoError(err).Code; got != "outside_mount" {
			t.Errorf("code for %v = %s, want outside_mount", err, got)
		}
	}
}
