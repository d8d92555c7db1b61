//go:build linux

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestGuestDependencies keeps the guest agent small and free of host code:
// besides the standard library it may import only the guest packages,
// golang.org/x/sys, yamux and golang.org/x/net/html (the browser tools
// parse pages inside the VM, never on the host). In particular never mcp, tools, vm/qemu,
// vm/vz, rootfs or mcp-go.
func TestGuestDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=linux", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := []string{
		"github.com/airlock-dev/airlock/cmd/airlock-guest",
		"github.com/airlock-dev/airlock/vm/guest",
		"github.com/airlock-dev/airlock/vm/guest/webpage",
		"github.com/airlock-dev/airlock/vm/guestproto",
		"github.com/hashicorp/yamux",
		"golang.org/x/sys/",
		"golang.org/x/net/html",
		"golang.org/x/net/html/atom",
	}
	var n int
	for _, pkg := range strings.Fields(string(out)) {
		n++
		ok := false
		for _, a := range allowed {
			if pkg == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(pkg, a)) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("guest agent imports %s", pkg)
		}
	}
	if n < 3 {
		t.Fatalf("go list found only %d packages; the check is not looking at the agent", n)
	}
}
