package webpage

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps the package fit for the guest agent: the standard
// library and x/net/html only (x/net/html/charset would pull in x/text).
func TestDeps(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found:", err)
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch dep {
		case "github.com/airlock-dev/airlock/vm/guest/webpage", "golang.org/x/net/html", "golang.org/x/net/html/atom":
		default:
			t.Errorf("depends on %s", dep)
		}
	}
}
