package audit_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/airlock-dev/airlock/audit"
)

// Example shows one journaled tool call and its rollback.
func Example() {
	state, _ := os.MkdirTemp("", "airlock-state")
	defer os.RemoveAll(state)
	share, _ := os.MkdirTemp("", "airlock-share")
	defer os.RemoveAll(share)
	os.WriteFile(filepath.Join(share, "notes.txt"), []byte("draft 1\n"), 0o644)

	l, err := audit.Open(state, audit.NewSessionID())
	if err != nil {
		panic(err)
	}
	l.Append(audit.TypeSessionStart, map[string]any{"client": "example", "mounts": []string{"share"}})

	// A tool call: log it, capture the pre-image, change the file, commit.
	m := audit.Mount{Name: "share", Root: share}
	seq, _ := l.Append(audit.TypeToolCall, map[string]any{"tool": "write_file", "path": "notes.txt"})
	p, err := l.Before(seq, audit.OpWrite, []audit.Change{{Mount: m, Path: "notes.txt"}}, 0)
	if err != nil {
		panic(err) // refuse the call: the way back is not on disk
	}
	os.WriteFile(filepath.Join(share, "notes.txt"), []byte("overwritten\n"), 0o644)
	p.Commit()
	l.Seal()
	l.Close()

	res, _ := audit.Verify(l.Dir())
	fmt.Println("verified:", res.OK, res.Records, "records")

	plan, _ := audit.PlanRollback(l.Dir(), 0, nil)
	for _, s := range plan.Steps {
		fmt.Println(s.Action, s.Mount+":"+s.Path, s.Conflict == "")
	}
	applied, refused, _ := plan.Apply(false)
	b, _ := os.ReadFile(filepath.Join(share, "notes.txt"))
	fmt.Printf("applied %d, refused %d: %q\n", applied, len(refused), b)
	// Output:
	// verified: true 3 records
	// restore share:notes.txt true
	// applied 1, refused 0: "draft 1\n"
}
