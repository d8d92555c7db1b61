//go:build unix

package audit

import (
	"path/filepath"
	"syscall"
	"testing"
)

func TestBeforeSpecialFile(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	if err := syscall.Mkfifo(filepath.Join(m.Root, "fifo"), 0o600); err != nil {
		t.Skip(err)
	}
	seq := mustAppend(t, l, "x")
	// Capturing must not open (and block on) the FIFO.
	p, err := l.Before(seq, OpDelete, []Change{{m, "fifo"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Undoable() || p.e.Changes[0].Before.Type != KindOther {
		t.Errorf("fifo captured as %+v", p.e.Changes[0].Before)
	}
}
