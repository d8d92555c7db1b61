package mcp

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"

	"github.com/airlock-dev/airlock/audit"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// TestSIGKILLLeavesVerifiableLogAndJournal kills the server (SIGKILL, no
// chance to clean up) after it changed files: the session's log must
// verify up to its last complete record and the journal must still roll
// the changes back.
func TestSIGKILLLeavesVerifiableLogAndJournal(t *testing.T) {
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	f := newFixture(t)
	before := snapshot(t, f.proj)
	stateDir := t.TempDir()
	c, cmd := startServerProcess(t,
		[]string{"AIRLOCK_IMAGE=" + filepath.Dir(img.Kernel), "AIRLOCK_STATE_DIR=" + stateDir},
		[]string{"serve", "--mount", f.proj + ":rw"},
		client.WithElicitationHandler(allowOnce()))
	call(t, c, "write_file", map[string]any{"path": filepath.Join(f.proj, "README.md"), "content": "overwritten\n"}, false)
	call(t, c, "delete_file", map[string]any{"path": filepath.Join(f.proj, "src"), "recursive": true}, false)
	call(t, c, "write_file", map[string]any{"path": filepath.Join(f.proj, "new.txt"), "content": "new\n"}, false)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	time.Sleep(100 * time.Millisecond)

	sessions, err := audit.ListSessions(stateDir)
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions: %v, %v", sessions, err)
	}
	res, err := audit.Verify(sessions[0].Dir)
	if err != nil || !res.OK {
		t.Fatalf("verify after SIGKILL: %+v, %v", res, err)
	}
	if !sessions[0].End.IsZero() {
		t.Error("a killed session claims to have ended cleanly")
	}
	plan, err := audit.PlanRollback(sessions[0].Dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, refused, err := plan.Apply(false); err != nil || len(refused) > 0 {
		t.Fatalf("rollback: refused %v, err %v", refused, err)
	}
	if got := snapshot(t, f.proj); got != before {
		t.Fatalf("after rollback:\n%s\nwant:\n%s", got, before)
	}
}
