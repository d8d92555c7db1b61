package vmtest

import (
	"os"
	"os/exec"
	"testing"
)

// SkipOrFail skips t with reason, except under CI (CI=true), where a real-VM
// test that cannot run is a failure: CI must not pass without booting VMs.
func SkipOrFail(t testing.TB, reason string) {
	t.Helper()
	if testing.Short() {
		t.Skip("real-VM test skipped in -short mode")
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("real-VM test cannot run under CI: %s", reason)
	}
	t.Skip("SKIPPING REAL-VM TEST: " + reason)
}

// RequireQEMU skips (or, under CI, fails) t when QEMU is not installed.
func RequireQEMU(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		SkipOrFail(t, "qemu-system-x86_64 not found; run `make deps` or apt-get install qemu-system-x86")
	}
	return p
}
