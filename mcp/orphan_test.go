package mcp

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm/vmtest"
)

// TestNoOrphanVMs kills the server while its VM runs, with SIGINT, SIGTERM
// and SIGKILL, and checks that no QEMU process it started survives.
func TestNoOrphanVMs(t *testing.T) {
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			f := newFixture(t)
			// Every VM directory of this server lives under its TMPDIR,
			// so QEMU's command line names it.
			tmp, err := os.MkdirTemp("", "airlock-orphan-")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(tmp)
			c, cmd := startServerProcess(t,
				[]string{"AIRLOCK_IMAGE=" + filepath.Dir(img.Kernel), "TMPDIR=" + tmp},
				[]string{"serve", "--mount", f.proj + ":rw"})
			call(t, c, "list_directory", map[string]any{"path": f.proj}, false) // the VM is up
			if n := len(vmtest.QEMUProcesses(tmp)); n != 1 {
				t.Fatalf("%d QEMU processes for this server, want 1", n)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("server did not exit within 30s of %v", sig)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				left := vmtest.QEMUProcesses(tmp)
				if len(left) == 0 {
					break
				}
				if time.Now().After(deadline) {
					for _, pid := range left {
						syscall.Kill(pid, syscall.SIGKILL)
					}
					t.Fatalf("QEMU %v outlived the server after %v", left, sig)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
