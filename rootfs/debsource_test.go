package rootfs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
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

// TestBuildWithoutPackageUsesCurrentKernel is the macOS path: the image
// was built from a --kernel-deb file outside the cache, apt does not exist,
// and later builds (for the same or a new agent) need no package.
func TestBuildWithoutPackageUsesCurrentKernel(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	deb := newFakeDeb(t, ArchARM64).write(t, t.TempDir())
	agent := writeAgentFor(t, ArchARM64, "agent")
	first, _, err := Build(ctx, buildOpts(ArchARM64, deb, agent, cache, nil))
	if err != nil {
		t.Fatal(err)
	}
	noApt := &fakeApt{hostArch: ArchARM64, missing: true}
	build := func(agent string) (Image, bool, string, error) {
		t.Helper()
		o, err := buildOpts(ArchARM64, "", agent, cache, nil).withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		b := &builder{o: o, log: o.Logger, p: progress{w: &out}, run: noApt.run, now: time.Now}
		img, built, err := b.build(ctx)
		return img, built, out.String(), err
	}

	img, built, out, err := build(agent)
	if err != nil || built || img.Manifest.ID != first.Manifest.ID {
		t.Fatalf("same agent: built=%v id=%s err=%v; want the first image", built, img.Manifest.ID, err)
	}
	if !strings.Contains(out, "using the current image's kernel (linux-image-6.1.0-99-arm64 6.1.999-1)") {
		t.Errorf("progress does not say where the kernel came from:\n%s", out)
	}
	img, built, _, err = build(writeAgentFor(t, ArchARM64, "new agent"))
	if err != nil || !built || img.Manifest.KernelSHA256 != first.Manifest.KernelSHA256 || img.Manifest.DebSHA256 != first.Manifest.DebSHA256 {
		t.Fatalf("new agent: built=%v err=%v manifest=%+v", built, err, img.Manifest)
	}
	if len(noApt.calls) != 0 {
		t.Errorf("apt was run: %v", noApt.calls)
	}

	// A damaged extracted kernel cannot be repaired without the package.
	k := kernelDir(cache, first.Manifest.DebSHA256, ArchARM64)
	if err := os.WriteFile(filepath.Join(k, "Image"), []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := build(writeAgentFor(t, ArchARM64, "third agent")); err == nil || !strings.Contains(err.Error(), "pass --kernel-deb") {
		t.Errorf("damaged kernel: %v", err)
	}
	// Without the extracted kernel, the build asks apt, which is missing.
	os.RemoveAll(k)
	if _, _, _, err := build(writeAgentFor(t, ArchARM64, "fourth agent")); err == nil || !strings.Contains(err.Error(), "apt-cache is not available") {
		t.Errorf("no kernel at all: %v", err)
	}
}
