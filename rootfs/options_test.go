package rootfs

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestDefaultCacheDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(cacheDirEnv, dir)
	got, err := DefaultCacheDir()
	if err != nil || got != dir {
		t.Errorf("with %s set: got %q, %v", cacheDirEnv, got, err)
	}

	t.Setenv(cacheDirEnv, "relative/cache")
	got, err = DefaultCacheDir()
	wd, _ := os.Getwd()
	if err != nil || got != filepath.Join(wd, "relative/cache") {
		t.Errorf("relative: got %q, %v", got, err)
	}

	t.Setenv(cacheDirEnv, "")
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	base, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache directory: %v", err)
	}
	got, err = DefaultCacheDir()
	if err != nil || got != filepath.Join(base, "airlock") {
		t.Errorf("default: got %q, %v", got, err)
	}
}

func TestWithDefaults(t *testing.T) {
	t.Setenv(cacheDirEnv, t.TempDir())
	o, err := BuildOptions{Agent: "agent"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.Arch != ArchAMD64 || o.CacheDir == "" || o.Logger == nil {
		t.Errorf("defaults not filled: %+v", o)
	}
	if _, err := (BuildOptions{Agent: "a", Arch: "i386"}).withDefaults(); err == nil {
		t.Error("unsupported architecture accepted")
	}
	if _, err := (BuildOptions{}).withDefaults(); err == nil {
		t.Error("missing agent accepted")
	}
}

func TestArchTables(t *testing.T) {
	if kernelFileName(ArchAMD64) != "vmlinux" || kernelFileName(ArchARM64) != "Image" {
		t.Error("kernel file names")
	}
	if !slices.Contains(rootModules(ArchAMD64), "virtio_mmio") || !slices.Contains(rootModules(ArchARM64), "virtio_pci") {
		t.Error("root modules")
	}
	for _, arch := range []string{ArchAMD64, ArchARM64} {
		if err := checkArch(arch); err != nil {
			t.Error(err)
		}
	}
}
