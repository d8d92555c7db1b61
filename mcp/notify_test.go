package mcp

import (
	"context"
	"sync"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// TestActivityAndProgressNotifications: each tool call produces log
// notifications at the client's level, and the first call (waiting for
// the VM) reports progress to a client that asked for it.
func TestActivityAndProgressNotifications(t *testing.T) {
	f := newFixture(t)
	c := inProcessClient(t, newServer(t, f, &vmtest.Fake{}, vm.Image{}))
	var mu sync.Mutex
	got := map[string]int{}
	c.OnNotification(func(n mcpgo.JSONRPCNotification) {
		mu.Lock()
		got[n.Method]++
		mu.Unlock()
	})
	ctx := context.Background()
	if err := c.SetLevel(ctx, mcpgo.SetLevelRequest{Params: mcpgo.SetLevelParams{Level: mcpgo.LoggingLevelDebug}}); err != nil {
		t.Fatal(err)
	}
	var req mcpgo.CallToolRequest
	req.Params.Name = "list_directory"
	req.Params.Arguments = map[string]any{"path": f.proj}
	req.Params.Meta = &mcpgo.Meta{ProgressToken: "p1"}
	if res, err := c.CallTool(ctx, req); err != nil || res.IsError {
		t.Fatalf("%v %+v", err, res)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		logs, progress := got["notifications/message"], got["notifications/progress"]
		mu.Unlock()
		if logs >= 2 && progress >= 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications received: %v; want >=2 log messages and >=1 progress", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
