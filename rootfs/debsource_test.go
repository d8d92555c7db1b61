package rootfs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCompareVersions(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"6.1.176-1", "6.1.176-1", 0},
		{"6.1.176-1", "6.1.192-2", -1},
		{"6.1.99-1", "6.1.100-1", -1},
		{"6.10.0", "6.9.9", 1},
		{"6.1.0-50", "6.1.0-9", 1},
		{"6.1", "6.1.1", -1},
		{"6.1.0-050", "6.1.0-50", 0},
		{"1a", "1b", -1},
	}
	for _, c := range cases {
		if got := compareVersions(c.a, c.b); got != c.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := compareVersions(c.b, c.a); got != -c.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

func TestIsKernelImagePackage(t *testing.T) {
	cases := map[string]bool{
		"linux-image-6.1.0-50-amd64":          true,
		"linux-image-6.1.0-50-amd64-unsigned": true,
		"linux-image-amd64":                   false,
		"linux-image-6.1.0-50-cloud-amd64":    false,
		"linux-image-6.1.0-50-rt-amd64":       false,
		"linux-image-6.1.0-50-amd64-dbg":      false,
		"linux-image-6.1.0-50-arm64":          false,
		"linux-headers-6.1.0-50-amd64":        false,
	}
	for pkg, want := range cases {
		if got := isKernelImagePackage(pkg, ArchAMD64); got != want {
			t.Errorf("%s: got %v", pkg, got)
		}
	}
}

func TestNewestCachedDeb(t *testing.T) {
	dir := t.TempDir()
	touch := func(name string, age time.Duration) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, nil, 0o644)
		mt := time.Now().Add(-age)
		os.Chtimes(p, mt, mt)
		return p
	}
	if got, err := newestCachedDeb(dir, ArchAMD64); got != "" || err != nil {
		t.Errorf("empty dir: %q %v", got, err)
	}
	touch("linux-image-6.1.0-50-amd64_6.1.176-1_amd64.deb", time.Hour)
	want := touch("linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb", 2*time.Hour)
	touch("linux-image-6.1.0-99-cloud-amd64_6.1.999-1_amd64.deb", 0)
	touch("linux-image-6.1.0-99-arm64_6.1.999-1_arm64.deb", 0)
	touch("linux-image-amd64_6.1.999-1_amd64.deb", 0)
	touch("linux-image-6.1.0-99-amd64-dbg_6.1.999-1_amd64.deb", 0)
	os.Mkdir(filepath.Join(dir, "linux-image-6.1.0-99-amd64_6.1.999-1_amd64.deb"), 0o755)
	got, err := newestCachedDeb(dir, ArchAMD64)
	if err != nil || got != want {
		t.Errorf("got %q %v, want %q", got, err, want)
	}
	// Partial downloads are ignored; at equal versions the package name
	// decides.
	touch("linux-image-6.1.0-99-amd64_6.1.999-1_amd64.deb.part", 0)
	again := touch("linux-image-6.1.0-56-amd64-unsigned_6.1.192-2_amd64.deb", 0)
	if got, _ := newestCachedDeb(dir, ArchAMD64); got != again {
		t.Errorf("tie: got %q, want %q", got, again)
	}
}

func TestKernelDebExplicit(t *testing.T) {
	dir := t.TempDir()
	b := &builder{o: BuildOptions{KernelDeb: dir, CacheDir: t.TempDir(), Arch: ArchAMD64}}
	if _, err := b.kernelDeb(context.Background()); err == nil {
		t.Error("directory accepted as a package")
	}
	path := filepath.Join(dir, "k.deb")
	os.WriteFile(path, []byte("x"), 0o644)
	b.o.KernelDeb = path
	if got, err := b.kernelDeb(context.Background()); err != nil || got != path {
		t.Errorf("got %q %v", got, err)
	}
}
