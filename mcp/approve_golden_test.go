package mcp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestApprovalMessageRecursiveDeleteGolden plans a recursive delete of a
// real directory (through the guest agent's walk) and checks the prompt
// the user sees: the file count and total size must be right.
func TestApprovalMessageRecursiveDeleteGolden(t *testing.T) {
	s, f := gateServer(t, nil)
	dir := filepath.Join(f.proj, "build")
	sizes := map[string]int{"a.o": 1000, "b.o": 2500, "sub/c.o": 40_000, "sub/deeper/d.txt": 12, "sub/empty/": 0}
	total := 0
	for name, n := range sizes {
		p := filepath.Join(dir, name)
		if strings.HasSuffix(name, "/") {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, make([]byte, n), 0o644)
		total += n
	}
	r := s.invoke(t, "s1", "delete_file", map[string]any{"path": dir, "recursive": true}, capable)
	if !r.NeedsInput() {
		t.Fatalf("no approval asked: %s", resultText(r))
	}
	msg := r.InputRequests[approvalID].Elicitation.Message
	got := strings.ReplaceAll(msg, f.proj, "<PROJ>")
	if !strings.Contains(got, "4 files") || !strings.Contains(got, "43,512") {
		t.Errorf("prompt lacks the count (4 files) or the size (%d bytes):\n%s", total, got)
	}
	golden := filepath.Join("testdata", "approval_delete_dir.golden")
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("prompt changed (run with -update if intended):\n%s", got)
	}
}
