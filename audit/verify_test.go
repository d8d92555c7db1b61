package audit

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// journaled returns a session with two committed entries (ids 1 and 2).
func journaled(t *testing.T) (*Log, Mount) {
	t.Helper()
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	writeFile(t, filepath.Join(m.Root, "a"), "a", 0o644)
	for _, name := range []string{"a", "b"} {
		seq := mustAppend(t, l, name)
		p, err := l.Before(seq, OpWrite, []Change{{m, name}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(m.Root, name), "new "+name, 0o644)
		must(t, p.Commit())
	}
	return l, m
}

// readEntries returns the journal's lines as entries.
func readEntries(t *testing.T, dir string) []Entry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, journalDir, entriesName))
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	for line := range strings.SplitSeq(strings.TrimSuffix(string(b), "\n"), "\n") {
		var e Entry
		must(t, json.Unmarshal([]byte(line), &e))
		out = append(out, e)
	}
	return out
}

// rechain writes entries as the journal, with a consistent hash chain, as
// an attacker who can write the state directory could.
func rechain(t *testing.T, dir string, entries []Entry) {
	t.Helper()
	var buf []byte
	prev := zeroHash
	for _, e := range entries {
		e.Prev = prev
		line, err := json.Marshal(&e)
		must(t, err)
		prev = lineHash(line)
		buf = append(append(buf, line...), '\n')
	}
	must(t, os.WriteFile(filepath.Join(dir, journalDir, entriesName), buf, 0o600))
}

func TestVerifyJournal(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(es []Entry) []Entry
		bad    int64
		reason string
	}{
		{"intact", func(es []Entry) []Entry { return es }, 0, ""},
		{"seq not in the log", func(es []Entry) []Entry { es[0].Seq, es[1].Seq = 9, 9; return es }, 1, "not in the log"},
		{"unknown op", func(es []Entry) []Entry { es[2].Op = "chmod"; return es }, 3, "unknown op"},
		{"path escapes", func(es []Entry) []Entry { es[0].Changes[0].Path = "../x"; return es }, 1, "bad change"},
		{"id gap", func(es []Entry) []Entry { es[2].ID, es[3].ID = 3, 3; return es }, 3, "want 2"},
		{"done differs from pending", func(es []Entry) []Entry {
			es[1].Changes[0].Before.SHA256 = digest("forged")
			return es
		}, 2, "differs from its pending"},
		{"committed twice", func(es []Entry) []Entry { return append(es, es[3]) }, 5, "committed twice"},
		{"never pending", func(es []Entry) []Entry { return append(es[:1:1], es[3]) }, 2, "never pending"},
		{"after on pending", func(es []Entry) []Entry { es[0].Changes[0].After = &FileState{}; return es }, 1, "after state"},
		{"added path existed", func(es []Entry) []Entry {
			es[1].Changes = append(es[1].Changes, ChangeRecord{Mount: "w", Root: es[1].Changes[0].Root, Path: "z",
				Before: FileState{Exists: true, Type: KindDir}, After: &FileState{}})
			return es
		}, 2, "existed before"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, _ := journaled(t)
			rechain(t, l.Dir(), tc.edit(readEntries(t, l.Dir())))
			res, err := Verify(l.Dir())
			if err != nil {
				t.Fatal(err)
			}
			if res.JournalFirstBad != tc.bad || res.OK != (tc.bad == 0) || !strings.Contains(res.Reason, tc.reason) {
				t.Fatalf("Verify = %+v", res)
			}
			// ReadJournal does not read the log, so it cannot check seqs.
			wantErr := tc.bad != 0 && tc.name != "seq not in the log"
			if _, err := ReadJournal(l.Dir()); (err != nil) != wantErr || (err != nil && !errors.Is(err, ErrCorrupt)) {
				t.Errorf("ReadJournal: %v", err)
			}
		})
	}
}

func TestVerifyJournalChain(t *testing.T) {
	l, _ := journaled(t)
	name := filepath.Join(l.Dir(), journalDir, entriesName)
	b, _ := os.ReadFile(name)
	lines := strings.SplitAfter(string(b), "\n")
	// Changing a line without re-chaining breaks the next line's prev.
	lines[0] = strings.Replace(lines[0], `"mode":420`, `"mode":438`, 1)
	must(t, os.WriteFile(name, []byte(strings.Join(lines, "")), 0o600))
	if res, _ := Verify(l.Dir()); res.OK || res.JournalFirstBad != 2 || !strings.Contains(res.Reason, "prev") {
		t.Errorf("Verify = %+v", res)
	}
	if _, err := Open(filepath.Dir(filepath.Dir(l.Dir())), filepath.Base(l.Dir())); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open with a tampered journal: %v", err)
	}
	if _, err := PlanRollback(l.Dir(), 0, nil); !errors.Is(err, ErrCorrupt) {
		t.Errorf("PlanRollback with a tampered journal: %v", err)
	}
	// Whitespace is not canonical.
	lines[0] = strings.Replace(lines[0], `,"seq"`, `, "seq"`, 1)
	must(t, os.WriteFile(name, []byte(strings.Join(lines, "")), 0o600))
	if res, _ := Verify(l.Dir()); res.JournalFirstBad != 1 || !strings.Contains(res.Reason, "canonical") {
		t.Errorf("Verify = %+v", res)
	}
}

func TestVerifyWithoutJournal(t *testing.T) {
	l := newLog(t)
	mustAppend(t, l, "x")
	must(t, os.Remove(filepath.Join(l.Dir(), journalDir, entriesName)))
	if res, err := Verify(l.Dir()); err != nil || !res.OK || res.Records != 1 {
		t.Errorf("Verify = %+v, %v", res, err)
	}
	if entries, err := ReadJournal(l.Dir()); err != nil || entries != nil {
		t.Errorf("ReadJournal = %v, %v", entries, err)
	}
}
