package mcp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// approvalScenarios drives the approval round trip through a real client
// (with the scripted user a) and, separately, a client that cannot elicit.
func approvalScenarios(t *testing.T, c, noElicit *client.Client, a *approver, f fixture) {
	notes := filepath.Join(f.proj, "notes.txt")
	del := map[string]any{"path": notes}

	a.set(mcpgo.ElicitationResponseActionDecline, "")
	call(t, c, "delete_file", del, true)
	if !exists(notes) {
		t.Fatal("declined delete happened")
	}
	a.set(mcpgo.ElicitationResponseActionCancel, "")
	call(t, c, "delete_file", del, true)
	if !exists(notes) {
		t.Fatal("cancelled delete happened")
	}
	out := call(t, noElicit, "delete_file", del, true)
	if !exists(notes) || !strings.Contains(out, "--approve") {
		t.Fatalf("client without elicitation: exists=%v: %s", exists(notes), out)
	}
	a.set(mcpgo.ElicitationResponseActionAccept, "allow_once")
	call(t, c, "delete_file", del, false)
	if exists(notes) {
		t.Fatal("accepted delete did not happen")
	}
	prompts := a.prompts()
	last := prompts[len(prompts)-1]
	if !strings.Contains(last, notes) {
		t.Errorf("the prompt does not name the file:\n%s", last)
	}

	// allow for the session: the next delete does not ask, an overwrite does.
	a.set(mcpgo.ElicitationResponseActionAccept, "allow_session")
	call(t, c, "delete_file", map[string]any{"path": filepath.Join(f.proj, "README.md")}, false)
	n := len(a.prompts())
	call(t, c, "delete_file", map[string]any{"path": filepath.Join(f.proj, "src", "util.go")}, false)
	if len(a.prompts()) != n {
		t.Error("allow_session did not cover the next delete")
	}
	a.set(mcpgo.ElicitationResponseActionDecline, "")
	call(t, c, "write_file", map[string]any{"path": filepath.Join(f.proj, "src", "main.go"), "content": "x"}, true)
	if len(a.prompts()) != n+1 {
		t.Error("an overwrite did not ask after a delete was allowed for the session")
	}
	if b, _ := os.ReadFile(filepath.Join(f.proj, "src", "main.go")); string(b) == "x" {
		t.Error("declined overwrite happened")
	}
}
