package rootfs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// realKernelDeb finds a real Debian kernel package for arch for the
// integration test, or returns "" and why not: $AIRLOCK_KERNEL_DEB (amd64)
// or $AIRLOCK_KERNEL_DEB_ARM64, else the newest package for arch in the
// user's airlock cache.
func realKernelDeb(arch string) (string, string) {
	env := "AIRLOCK_KERNEL_DEB"
	if arch != ArchAMD64 {
		env += "_" + strings.ToUpper(arch)
	}
	if p := os.Getenv(env); p != "" {
		return p, ""
	}
	if cache, err := DefaultCacheDir(); err == nil {
		if p, _ := newestCachedDeb(debsDir(cache), arch); p != "" {
			return p, ""
		}
	}
	how := "`make image`"
	if arch == ArchARM64 {
		how = "`make image-arm64`"
	}
	return "", fmt.Sprintf("no real %s kernel package: set %s to a linux-image-*-%s .deb, or run %s to put one in the cache", arch, env, arch, how)
}

// realModuleOrder lists, per architecture, pairs of modules of Debian's
// 6.1 kernels where the first must load before the second.
var realModuleOrder = map[string][][2]string{
	ArchAMD64: {
		{"virtio_ring", "virtio_mmio"}, {"virtio", "virtio_mmio"}, {"9pnet", "9pnet_virtio"}, {"9pnet_virtio", "9p"},
		{"netfs", "9p"}, {"fscache", "9p"}, {"vsock", "vmw_vsock_virtio_transport"},
	},
	ArchARM64: {
		{"virtio_pci_modern_dev", "virtio_pci"}, {"virtio_pci_legacy_dev", "virtio_pci"}, {"virtio_pci", "virtio_console"},
		{"fuse", "virtiofs"}, {"vsock", "vmw_vsock_virtio_transport_common"},
		{"vmw_vsock_virtio_transport_common", "vmw_vsock_virtio_transport"},
	},
}

// TestBuildRealKernel builds an image for each architecture from a real
// Debian kernel package when one is available, and verifies it.
func TestBuildRealKernel(t *testing.T) {
	for _, arch := range []string{ArchAMD64, ArchARM64} {
		t.Run(arch, func(t *testing.T) { testBuildRealKernel(t, arch) })
	}
}

func testBuildRealKernel(t *testing.T, arch string) {
	deb, why := realKernelDeb(arch)
	if deb == "" {
		if os.Getenv("CI") != "" {
			// make test fetches both packages first (make image-arm64).
			t.Fatal("no real kernel package under CI: " + why)
		}
		t.Skip("SKIPPING REAL KERNEL BUILD: " + why)
	}
	if testing.Short() {
		t.Skip("decompresses a 60-70 MB package; skipped in -short mode")
	}
	cache := t.TempDir()
	agent := writeAgentFor(t, arch, "fake agent")
	var out bytes.Buffer

	start := time.Now()
	img, built, err := Build(context.Background(), buildOpts(arch, deb, agent, cache, &out))
	first := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first build: %v (built=%v)\n%s", first, built, out.String())
	if !built {
		t.Error("first build reported built=false")
	}
	m := img.Manifest
	t.Logf("kernel %s (%s), modules in load order: %v, built in: %v", m.KernelVersion, m.KernelPackage, m.Modules, m.Builtin)

	c, err := Verify(img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("verified: kernel: %s; init: %s; %d modules", c.Kernel, c.Init, c.Modules)
	if arch == ArchARM64 && !strings.HasPrefix(c.Kernel, "arm64 Image, little-endian") {
		t.Errorf("kernel: %s", c.Kernel)
	}

	pos := map[string]int{}
	for i, name := range m.Modules {
		pos[normalizeModName(name)] = i
	}
	for _, root := range rootModules(arch) {
		if _, ok := pos[normalizeModName(root)]; !ok && !slices.Contains(m.Builtin, normalizeModName(root)) {
			t.Errorf("requested module %s neither shipped nor built in", root)
		}
	}
	for _, pair := range realModuleOrder[arch] {
		pa, okA := pos[pair[0]]
		pb, okB := pos[pair[1]]
		if okA && okB && pa > pb {
			t.Errorf("%s loads after %s", pair[0], pair[1])
		}
	}

	out.Reset()
	start = time.Now()
	again, built, err := Build(context.Background(), buildOpts(arch, deb, agent, cache, &out))
	second := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second build: %v (built=%v)", second, built)
	if built || again.Manifest.ID != m.ID {
		t.Errorf("second build: built=%v id=%s, want built=false id=%s", built, again.Manifest.ID, m.ID)
	}

	start = time.Now()
	_, built, err = Build(context.Background(), buildOpts(arch, deb, writeAgentFor(t, arch, "another agent"), cache, nil))
	if err != nil || !built {
		t.Fatalf("new agent: built=%v err=%v", built, err)
	}
	t.Logf("build with a new agent (extracted kernel reused): %v", time.Since(start))
}
