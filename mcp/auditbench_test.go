package mcp

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// BenchmarkAuditOverhead measures a tool call through the whole pipeline
// (in-process client, fake VM) with and without the audit log and
// journal; the difference is what auditing costs per call:
//
//	go test -run '^$' -bench AuditOverhead -count 5 ./mcp | benchstat -
func BenchmarkAuditOverhead(b *testing.B) {
	for _, withAudit := range []bool{false, true} {
		name := "off"
		if withAudit {
			name = "on"
		}
		b.Run("overwrite-4KiB/audit="+name, func(b *testing.B) { auditBenchCall(b, withAudit, "write_file") })
		b.Run("read-4KiB/audit="+name, func(b *testing.B) { auditBenchCall(b, withAudit, "read_text_file") })
	}
}

func auditBenchCall(b *testing.B, withAudit bool, tool string) {
	dir := b.TempDir()
	ms, err := tools.NewMounts([]tools.Mount{{Path: dir}}, "")
	if err != nil {
		b.Fatal(err)
	}
	p := approvals.DefaultPolicy()
	p.PreApproved, _ = approvals.ParseApproveFlag("overwrite")
	cfg := Config{Mounts: ms, Backend: &vmtest.Fake{}, VM: vm.Config{}, Policy: &p}
	if withAudit {
		cfg.StateDir = b.TempDir()
	}
	s := New(cfg)
	defer s.Close(context.Background())
	c, err := client.NewInProcessClientWithOptions(s.MCPServer())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	c.Start(ctx)
	var ir mcpgo.InitializeRequest
	ir.Params.ClientInfo = mcpgo.Implementation{Name: "bench", Version: "1"}
	if _, err := c.Initialize(ctx, ir); err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	content := strings.Repeat("0123456789abcde\n", 256) // 4 KiB
	path := filepath.Join(dir, "f.txt")
	run := func(name string, args map[string]any) {
		var req mcpgo.CallToolRequest
		req.Params.Name, req.Params.Arguments = name, args
		res, err := c.CallTool(ctx, req)
		if err != nil || res.IsError {
			b.Fatalf("%s: %v %+v", name, err, res)
		}
	}
	run("write_file", map[string]any{"path": path, "content": content})
	for b.Loop() {
		if tool == "write_file" {
			run("write_file", map[string]any{"path": path, "content": content})
		} else {
			run("read_text_file", map[string]any{"path": path})
		}
	}
}
