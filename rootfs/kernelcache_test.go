package rootfs

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKernelCacheReuseAndRepair(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	deb := newFakeDeb(t, ArchAMD64).write(t, t.TempDir())
	img, _, err := Build(ctx, buildOpts(ArchAMD64, deb, writeAgent(t, "a1"), cache, nil))
	if err != nil {
		t.Fatal(err)
	}
	dir := kernelDir(cache, img.Manifest.DebSHA256, ArchAMD64)
	k, err := loadKernel(dir, ArchAMD64, img.Manifest.DebSHA256)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Modules) != len(img.Manifest.Modules) || k.KernelSHA256 != img.Manifest.KernelSHA256 {
		t.Errorf("kernel info %+v", k)
	}
	if _, err := os.Stat(filepath.Join(dir, "spool")); !os.IsNotExist(err) {
		t.Error("spool file left in the kernel directory")
	}
	if _, err := loadKernel(dir, ArchARM64, img.Manifest.DebSHA256); err == nil {
		t.Error("kernel directory accepted for another architecture")
	}

	damage := map[string]func(){
		"module changed": func() {
			os.WriteFile(filepath.Join(dir, kernelModulesDir, "virtio.ko"), []byte("evil"), 0o644)
		},
		"old recipe": func() {
			k.BuilderVersion = BuilderVersion - 1
			data, _ := json.Marshal(k)
			os.WriteFile(filepath.Join(dir, kernelInfoName), data, 0o644)
		},
		"module path escapes": func() {
			k2 := k
			k2.Modules = append([]cachedModule{{Name: "x", File: "../x.ko"}}, k.Modules...)
			data, _ := json.Marshal(k2)
			os.WriteFile(filepath.Join(dir, kernelInfoName), data, 0o644)
		},
	}
	for name, f := range damage {
		f()
		if _, err := loadKernel(dir, ArchAMD64, img.Manifest.DebSHA256); err == nil {
			t.Errorf("%s: loadKernel accepted the damage", name)
		}
		// A build for a new agent re-extracts instead of using it.
		var out bytes.Buffer
		if _, _, err := Build(ctx, buildOpts(ArchAMD64, deb, writeAgent(t, name), cache, &out)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(out.String(), "reading") {
			t.Errorf("%s: damaged kernel directory reused", name)
		}
		if k, err = loadKernel(dir, ArchAMD64, img.Manifest.DebSHA256); err != nil {
			t.Fatalf("%s: not repaired: %v", name, err)
		}
	}
}

func TestDebDisplayName(t *testing.T) {
	cases := map[string]string{
		"/x/linux-image-6.1.0-50-amd64_6.1.176-1_amd64.deb": "linux-image-6.1.0-50-amd64",
		"kernel.deb": "kernel",
	}
	for in, want := range cases {
		if got := debDisplayName(in); got != want {
			t.Errorf("%s: got %q", in, got)
		}
	}
}

func TestWriteKernelRejectsNonPVH(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "vmlinux")
	if _, _, err := writeKernel(ArchAMD64, fakeBzImage(t, fakeVmlinux(false), true), dst); err == nil || !strings.Contains(err.Error(), "PVH") {
		t.Errorf("got %v", err)
	}
	dst = filepath.Join(t.TempDir(), "Image")
	if _, _, err := writeKernel(ArchARM64, []byte("not an arm64 kernel at all, far too short"), dst); err == nil {
		t.Error("bad arm64 kernel accepted")
	}
}
