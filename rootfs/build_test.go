package rootfs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// buildOpts returns options building from deb with agent into cache.
func buildOpts(arch, deb, agent, cache string, progress *bytes.Buffer) BuildOptions {
	o := BuildOptions{Arch: arch, KernelDeb: deb, Agent: agent, CacheDir: cache}
	if progress != nil {
		o.Progress = progress
	}
	return o
}

func TestBuildFakeAMD64(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	deb := newFakeDeb(t, ArchAMD64).write(t, t.TempDir())
	agent := writeAgent(t, "agent v1")

	var out bytes.Buffer
	img, built, err := Build(ctx, buildOpts("", deb, agent, cache, &out))
	if err != nil {
		t.Fatal(err)
	}
	if !built {
		t.Error("first build reported built=false")
	}
	m := img.Manifest
	wantModules := []string{
		"virtio", "virtio_ring", "virtio_mmio", "virtio_console",
		"9pnet", "9pnet_virtio", "netfs", "fscache", "9p",
		"vsock", "vmw_vsock_virtio_transport_common", "vmw_vsock_virtio_transport",
		"virtio-rng",
	}
	if !slices.Equal(m.Modules, wantModules) {
		t.Errorf("modules:\n got %v\nwant %v", m.Modules, wantModules)
	}
	if m.Arch != ArchAMD64 || m.KernelPackage != "linux-image-6.1.0-99-amd64" || m.KernelVersion != "6.1.0-99-amd64" ||
		m.KernelPackageVersion != "6.1.999-1" || m.BuilderVersion != BuilderVersion || len(m.Builtin) != 0 {
		t.Errorf("manifest: %+v", m)
	}
	if img.Dir != filepath.Join(cache, "images", m.ID) || filepath.Base(img.Kernel) != "vmlinux" || !filepath.IsAbs(img.Initrd) {
		t.Errorf("paths: %+v", img)
	}
	kernel, _ := os.ReadFile(img.Kernel)
	if !bytes.Equal(kernel, fakeVmlinux(true)) {
		t.Error("vmlinux differs from the packaged kernel")
	}
	initrd, _ := os.ReadFile(img.Initrd)
	entries := parseCPIO(t, initrd)
	files := map[string]string{}
	for _, e := range entries {
		files[e.name] = string(e.data)
	}
	if files["init"] != string(fakeAgent(ArchAMD64, "agent v1")) {
		t.Errorf("init is not the agent: %q", files["init"])
	}
	if want := strings.Join(wantModules, ".ko\n") + ".ko\n"; files["etc/airlock/modules"] != want {
		t.Errorf("module list:\n%s", files["etc/airlock/modules"])
	}
	if _, ok := files["lib/modules/virtio-rng.ko"]; !ok {
		t.Error("virtio-rng.ko not shipped under its file name")
	}
	for _, line := range []string{"reading linux-image-6.1.0-99-amd64", "extracted vmlinux", "13 modules", "wrote initramfs"} {
		if !strings.Contains(out.String(), "rootfs: "+line) {
			t.Errorf("progress lacks %q:\n%s", line, out.String())
		}
	}

	cur, err := Current(cache, ArchAMD64)
	if err != nil || cur.Manifest.ID != m.ID {
		t.Fatalf("Current: %v, %v", cur.Manifest.ID, err)
	}

	// Same inputs: nothing is rebuilt.
	out.Reset()
	again, built, err := Build(ctx, buildOpts(ArchAMD64, deb, agent, cache, &out))
	if err != nil || built || again.Manifest.ID != m.ID {
		t.Fatalf("second build: built=%v id=%s err=%v", built, again.Manifest.ID, err)
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Errorf("progress: %q", out.String())
	}

	// A new agent reuses the extracted kernel: the package is not read.
	out.Reset()
	agent2 := writeAgent(t, "agent v2")
	img2, built, err := Build(ctx, buildOpts(ArchAMD64, deb, agent2, cache, &out))
	if err != nil || !built || img2.Manifest.ID == m.ID {
		t.Fatalf("new agent: built=%v err=%v", built, err)
	}
	if strings.Contains(out.String(), "reading") {
		t.Errorf("package decompressed again for a new agent:\n%s", out.String())
	}
	if img2.Manifest.KernelSHA256 != m.KernelSHA256 || !slices.Equal(img2.Manifest.Modules, m.Modules) {
		t.Error("kernel or modules changed with the agent")
	}
	if cur, _ := Current(cache, ArchAMD64); cur.Manifest.ID != img2.Manifest.ID {
		t.Error("current image not updated")
	}
	// Switching back to the first agent finds the first image again.
	back, built, err := Build(ctx, buildOpts(ArchAMD64, deb, agent, cache, nil))
	if err != nil || built || back.Manifest.ID != m.ID {
		t.Fatalf("back to first agent: built=%v id=%s err=%v", built, back.Manifest.ID, err)
	}
}

func TestBuildRebuildsTamperedImage(t *testing.T) {
	ctx := context.Background()
	cache := t.TempDir()
	deb := newFakeDeb(t, ArchAMD64).write(t, t.TempDir())
	agent := writeAgent(t, "agent")
	img, _, err := Build(ctx, buildOpts(ArchAMD64, deb, agent, cache, nil))
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(img.Initrd)
	if err := os.WriteFile(img.Initrd, append(bytes.Clone(good), 0), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(img.Dir); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of tampered image: %v", err)
	}
	if _, err := Current(cache, ArchAMD64); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Current of tampered image: %v", err)
	}
	again, built, err := Build(ctx, buildOpts(ArchAMD64, deb, agent, cache, nil))
	if err != nil || !built || again.Manifest.ID != img.Manifest.ID {
		t.Fatalf("rebuild: built=%v err=%v", built, err)
	}
	if fixed, _ := os.ReadFile(again.Initrd); !bytes.Equal(fixed, good) {
		t.Error("rebuilt initramfs differs from the original")
	}
}

func TestBuildFakeARM64(t *testing.T) {
	d := newFakeDeb(t, ArchARM64)
	// virtio_pci built in: recorded, not shipped.
	d.files = fakeKernelFiles(t, ArchARM64, []string{"virtio_pci", "virtio_pci_modern_dev", "virtio_pci_legacy_dev"}, []string{"virtio_pci"})
	cache := t.TempDir()
	img, built, err := Build(context.Background(), buildOpts(ArchARM64, d.write(t, t.TempDir()), writeAgentFor(t, ArchARM64, "agent"), cache, nil))
	if err != nil || !built {
		t.Fatalf("built=%v err=%v", built, err)
	}
	m := img.Manifest
	want := []string{"virtio", "virtio_ring", "virtio_console", "fuse", "virtiofs", "vsock", "vmw_vsock_virtio_transport_common", "vmw_vsock_virtio_transport", "virtio-rng"}
	if !slices.Equal(m.Modules, want) || !slices.Equal(m.Builtin, []string{"virtio_pci"}) {
		t.Errorf("modules %v builtin %v", m.Modules, m.Builtin)
	}
	if filepath.Base(img.Kernel) != "Image" {
		t.Errorf("kernel %s", img.Kernel)
	}
	kernel, _ := os.ReadFile(img.Kernel)
	if !bytes.Equal(kernel, fakeARM64Image()) {
		t.Error("Image differs from the packaged kernel")
	}
	if _, err := Current(cache, ArchAMD64); !errors.Is(err, ErrNoImage) {
		t.Errorf("Current(amd64) after an arm64 build: %v", err)
	}
}

func TestBuildPureGoXZSameImage(t *testing.T) {
	deb := newFakeDeb(t, ArchAMD64).write(t, t.TempDir())
	agent := writeAgent(t, "agent")
	ids := map[string]string{}
	for _, prog := range []string{"xz", ""} {
		old := xzProgram
		xzProgram = prog
		img, _, err := Build(context.Background(), buildOpts(ArchAMD64, deb, agent, t.TempDir(), nil))
		xzProgram = old
		if err != nil {
			t.Fatalf("xz program %q: %v", prog, err)
		}
		ids[prog] = img.Manifest.ID
	}
	if ids["xz"] != ids[""] {
		t.Errorf("external and pure-Go xz produced different images: %v", ids)
	}
}

func TestBuildErrors(t *testing.T) {
	agent := writeAgent(t, "agent")
	debDir := t.TempDir()
	missing := newFakeDeb(t, ArchAMD64)
	missing.files = fakeKernelFiles(t, ArchAMD64, []string{"fscache"}, nil)
	wrongArch := newFakeDeb(t, ArchAMD64)
	wrongArch.arch = ArchARM64
	zst := newFakeDeb(t, ArchAMD64)
	zst.dataExt = ".zst"
	noKernel := newFakeDeb(t, ArchAMD64)
	noKernel.files = map[string][]byte{"./usr/share/doc/README": []byte("x")}
	gz := newFakeDeb(t, ArchAMD64)
	gz.dataExt = ".gz"
	gz.pkg += "-gz"

	cases := []struct {
		name string
		o    BuildOptions
		want string
	}{
		{"missing module", buildOpts(ArchAMD64, missing.write(t, t.TempDir()), agent, t.TempDir(), nil), "module fscache (needed by 9p) not found"},
		{"wrong arch", buildOpts(ArchAMD64, filepath.Join(debDir, "x.deb"), agent, t.TempDir(), nil), "package for arm64, not amd64"},
		{"zstd data", buildOpts(ArchAMD64, zst.write(t, t.TempDir()), agent, t.TempDir(), nil), "zstd compression is not supported"},
		{"no kernel", buildOpts(ArchAMD64, noKernel.write(t, t.TempDir()), agent, t.TempDir(), nil), "no boot/vmlinuz"},
		{"no agent", BuildOptions{CacheDir: t.TempDir()}, "agent binary path is required"},
		{"missing agent", buildOpts(ArchAMD64, "x.deb", filepath.Join(debDir, "nope"), t.TempDir(), nil), "agent"},
		{"bad arch", buildOpts("riscv64", "x.deb", agent, t.TempDir(), nil), "unsupported architecture"},
		{"missing deb", buildOpts(ArchAMD64, filepath.Join(debDir, "nope.deb"), agent, t.TempDir(), nil), "kernel package"},
	}
	os.WriteFile(filepath.Join(debDir, "x.deb"), wrongArch.bytes(t), 0o644)
	for _, c := range cases {
		_, _, err := Build(context.Background(), c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.want)
		}
	}
	// A gzip data archive is fine.
	if _, _, err := Build(context.Background(), buildOpts(ArchAMD64, gz.write(t, t.TempDir()), agent, t.TempDir(), nil)); err != nil {
		t.Errorf("gzip data archive: %v", err)
	}
}

func TestBuildUsesCachedDeb(t *testing.T) {
	cache := t.TempDir()
	if err := os.MkdirAll(debsDir(cache), 0o755); err != nil {
		t.Fatal(err)
	}
	d := newFakeDeb(t, ArchAMD64)
	d.write(t, debsDir(cache))
	img, built, err := Build(context.Background(), BuildOptions{Agent: writeAgent(t, "a"), CacheDir: cache})
	if err != nil || !built || img.Manifest.KernelPackage != d.pkg {
		t.Fatalf("built=%v err=%v manifest=%+v", built, err, img.Manifest)
	}
}

func TestBuildConcurrent(t *testing.T) {
	cache := t.TempDir()
	deb := newFakeDeb(t, ArchAMD64).write(t, t.TempDir())
	agent := writeAgent(t, "agent")
	var wg sync.WaitGroup
	results := make([]bool, 3)
	ids := make([]string, 3)
	errs := make([]error, 3)
	for i := range 3 {
		wg.Go(func() {
			img, built, err := Build(context.Background(), buildOpts(ArchAMD64, deb, agent, cache, nil))
			results[i], ids[i], errs[i] = built, img.Manifest.ID, err
		})
	}
	wg.Wait()
	builds := 0
	for i := range 3 {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("different images: %v", ids)
		}
		if results[i] {
			builds++
		}
	}
	if builds != 1 {
		t.Errorf("%d of 3 concurrent builds did the work, want 1", builds)
	}
}

func TestBuildCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	deb := newFakeDeb(t, ArchAMD64).write(t, t.TempDir())
	cache := t.TempDir()
	if _, _, err := Build(ctx, buildOpts(ArchAMD64, deb, writeAgent(t, "a"), cache, nil)); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	// Nothing half-built is left behind.
	for _, sub := range []string{"kernels", "images"} {
		entries, _ := os.ReadDir(filepath.Join(cache, sub))
		if len(entries) != 0 {
			t.Errorf("%s not empty after a cancelled build: %v", sub, entries)
		}
	}
}
