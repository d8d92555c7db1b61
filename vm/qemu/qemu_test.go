package qemu_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/qemu"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// runDir holds every machine directory these tests create; after the tests
// no QEMU process may still mention it.
var runDir string

func TestMain(m *testing.M) {
	var err error
	runDir, err = os.MkdirTemp("", "airlock-qemu-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if left := vmtest.QEMUProcesses(runDir); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d QEMU processes started by the tests are still running: %v\n", len(left), left)
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		code = 1
	}
	os.RemoveAll(runDir)
	os.Exit(code)
}

func newBackend(t testing.TB) *qemu.Backend {
	return &qemu.Backend{
		RunDir:      runDir,
		VerdictFile: filepath.Join(t.TempDir(), "accel.json"),
	}
}

func crash(m vm.Machine) error {
	pid := qemu.PID(m)
	if pid == 0 {
		return errors.New("not a QEMU machine")
	}
	return syscall.Kill(pid, syscall.SIGKILL)
}

func TestConformance(t *testing.T) {
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	vmtest.RunBackendTests(t, vmtest.Harness{
		Backend:  newBackend(t),
		Image:    img,
		Isolated: true,
		Crash:    crash,
	})
}

// TestKVMHangFallsBackToTCG reproduces a KVM that exists but never boots
// (nested guests on some CI hosts): the first machine is started paused,
// so it never reaches the handshake, exactly like the hang. The watchdog
// must kill it, boot under TCG, and remember that, so the next backend
// (another airlock process) goes straight to TCG.
func TestKVMHangFallsBackToTCG(t *testing.T) {
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	verdict := filepath.Join(t.TempDir(), "accel.json")
	b1 := &qemu.Backend{RunDir: runDir, VerdictFile: verdict, KVMWatchdog: 5 * time.Second}
	qemu.SimulateKVMHang(b1)
	if got := b1.PlanAccels(); len(got) != 2 {
		t.Fatalf("plan before any verdict = %v, want a probe then tcg", got)
	}
	cfg := vm.Config{Image: img}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	start := time.Now()
	m1, err := b1.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("first Start: %v", err)
	}
	first := time.Since(start)
	if qemu.Accel(m1) != "tcg" {
		t.Errorf("first machine accel = %s, want tcg", qemu.Accel(m1))
	}
	m1.Stop(ctx)

	b2 := &qemu.Backend{RunDir: runDir, VerdictFile: verdict}
	if got := b2.PlanAccels(); len(got) != 1 || got[0] != "tcg" {
		t.Fatalf("plan after the verdict = %v, want just tcg", got)
	}
	accel, reason, err := b2.Accelerator(ctx)
	if err != nil || accel != "tcg" || !strings.Contains(reason, "did not boot") {
		t.Errorf("Accelerator = %s, %q, %v", accel, reason, err)
	}
	start = time.Now()
	m2, err := b2.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	second := time.Since(start)
	m2.Stop(ctx)
	t.Logf("first boot with a hung accelerator: %v; next boot: %v (watchdog 5s)", first.Round(time.Millisecond), second.Round(time.Millisecond))
}

func TestStartRejectsBadConfig(t *testing.T) {
	b := newBackend(t)
	ctx := context.Background()
	cases := []vm.Config{
		{},
		{Image: vm.Image{Kernel: "/nonexistent/vmlinux", Initrd: "/nonexistent/initrd"}},
		{Image: vm.Image{Kernel: "/x", Initrd: "/y"}, Shares: []vm.Share{{Name: "../x", HostPath: "/tmp"}}},
		{Image: vm.Image{Kernel: "/x", Initrd: "/y"}, Shares: []vm.Share{{Name: "a", HostPath: "relative"}}},
		{Image: vm.Image{Kernel: "/x", Initrd: "/y"}, Shares: []vm.Share{{Name: "a", HostPath: "/tmp/a,b"}}},
	}
	for i, cfg := range cases {
		if _, err := b.Start(ctx, cfg); !errors.Is(err, vm.ErrInvalidConfig) {
			t.Errorf("case %d: Start = %v, want ErrInvalidConfig", i, err)
		}
	}
}
