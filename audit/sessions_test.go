package audit

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestListSessions(t *testing.T) {
	state := t.TempDir()
	if got, err := ListSessions(state); err != nil || got != nil {
		t.Fatalf("empty state dir: %v, %v", got, err)
	}
	m := Mount{Name: "work", Root: t.TempDir()}
	ids := []string{"20260101T000000Z-aaaaaaaa", "20260102T000000Z-bbbbbbbb", "20260103T000000Z-cccccccc"}
	for i, id := range ids {
		l, err := Open(state, id)
		if err != nil {
			t.Fatal(err)
		}
		start := map[string]any{"client": "claude-code 1.0", "mounts": []string{"work", "notes"}}
		if i == 1 {
			start = map[string]any{"client": map[string]string{"name": "cursor", "version": "2"},
				"mounts": []map[string]string{{"name": "work", "root": m.Root}}}
		}
		if _, err := l.Append(TypeSessionStart, start); err != nil {
			t.Fatal(err)
		}
		seq := mustAppend(t, l, "write")
		p, err := l.Before(seq, OpWrite, []Change{{m, "a"}, {m, "b"}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		must(t, p.Commit())
		if i != 2 {
			must(t, l.Seal())
		}
		must(t, l.Close())
	}
	// Damage the middle session's log, and add clutter.
	name := filepath.Join(state, "sessions", ids[1], logName)
	f, _ := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("garbage\n")
	f.Close()
	must(t, os.MkdirAll(filepath.Join(state, "sessions", "empty"), 0o700))
	writeFile(t, filepath.Join(state, "sessions", "stray.txt"), "x", 0o600)

	got, err := ListSessions(state)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d sessions: %+v", len(got), got)
	}
	for i, s := range got {
		if s.ID != ids[i] || s.Dir != filepath.Join(state, "sessions", ids[i]) || s.ToolCalls != 1 || s.Changes != 2 {
			t.Errorf("session %d: %+v", i, s)
		}
		if s.Start.IsZero() || (i != 2) == s.End.IsZero() || (i == 1) == (s.Problem == "") {
			t.Errorf("session %d: start %v end %v problem %q", i, s.Start, s.End, s.Problem)
		}
	}
	if got[0].Client != "claude-code 1.0" || !slices.Equal(got[0].Mounts, []string{"work", "notes"}) || got[0].Records != 3 {
		t.Errorf("session 0: %+v", got[0])
	}
	if got[1].Client != "cursor 2" || !slices.Equal(got[1].Mounts, []string{"work"}) || got[1].Records != 3 {
		t.Errorf("session 1: %+v", got[1])
	}
	if got[2].Records != 2 {
		t.Errorf("session 2: %+v", got[2])
	}
}
