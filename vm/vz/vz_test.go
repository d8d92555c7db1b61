//go:build darwin

// The vz conformance tests boot real VMs, so they run only on a Mac
// (Apple silicon, macOS 12 or later) and the test binary must carry the
// virtualization entitlement. From the repository root, with the arm64
// image current in the cache or named by AIRLOCK_IMAGE:
//
//	make test-vz   # go test -count=1 -exec "$PWD/build/darwin/codesign-exec" ./vm/vz
//
// Without an image they are skipped (under CI=true they fail).

package vz_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/rootfs"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vmtest"
	"github.com/airlock-dev/airlock/vm/vz"
)

// image returns the guest image named by AIRLOCK_IMAGE (an image
// directory), or else by AIRLOCK_KERNEL and AIRLOCK_INITRD.
func image(t *testing.T) vm.Image {
	t.Helper()
	dir := os.Getenv("AIRLOCK_IMAGE")
	if dir == "" {
		return vmtest.Image(t)
	}
	img, err := rootfs.Open(dir)
	if err != nil {
		t.Fatalf("AIRLOCK_IMAGE: %v", err)
	}
	if img.Manifest.Arch != runtime.GOARCH {
		t.Fatalf("AIRLOCK_IMAGE %s is for %s; this Mac needs %s (airlock image build --arch %s)", dir, img.Manifest.Arch, runtime.GOARCH, runtime.GOARCH)
	}
	return vm.Image{Kernel: img.Kernel, Initrd: img.Initrd, ID: img.Manifest.ID}
}

func newBackend(t *testing.T) *vz.Backend {
	return &vz.Backend{RunDir: t.TempDir(), BootTimeout: time.Minute}
}

func TestConformance(t *testing.T) {
	img := image(t)
	vmtest.RunBackendTests(t, vmtest.Harness{
		Backend:  newBackend(t),
		Image:    img,
		Isolated: true,
		Crash:    vz.HardStop,
	})
}

func TestStopRemovesMachineDir(t *testing.T) {
	img := image(t)
	runDir := t.TempDir()
	b := &vz.Backend{RunDir: runDir}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	m, err := b.Start(ctx, vm.Config{Image: img})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	dirs, _ := filepath.Glob(filepath.Join(runDir, "airlock-vz-*"))
	if len(dirs) != 1 {
		t.Fatalf("machine dirs while running: %v, want one", dirs)
	}
	if _, err := os.Stat(filepath.Join(dirs[0], "console.log")); err != nil {
		t.Errorf("console log: %v", err)
	}
	if err := m.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := m.Wait(); err != nil {
		t.Errorf("Wait after Stop = %v, want nil", err)
	}
	if _, err := os.Stat(dirs[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("machine dir after Stop: %v, want it removed", err)
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	b := newBackend(t)
	ctx := context.Background()
	cases := []vm.Config{
		{},
		{Image: vm.Image{Kernel: "/nonexistent/Image", Initrd: "/nonexistent/initrd"}},
		{Image: vm.Image{Kernel: "/x", Initrd: "/y"}, Shares: []vm.Share{{Name: "../x", HostPath: "/tmp"}}},
		{Image: vm.Image{Kernel: "/x", Initrd: "/y"}, Shares: []vm.Share{{Name: "a", HostPath: "relative"}}},
		{Image: vm.Image{Kernel: "/x", Initrd: "/y"}, CPUs: 1000},
	}
	for i, cfg := range cases {
		if _, err := b.Start(ctx, cfg); !errors.Is(err, vm.ErrInvalidConfig) {
			t.Errorf("case %d: Start = %v, want ErrInvalidConfig", i, err)
		}
	}
}
