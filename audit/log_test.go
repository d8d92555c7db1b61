package audit

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestAppendConcurrent(t *testing.T) {
	l := newLog(t)
	var wg sync.WaitGroup
	seqs := make(chan int64, 100)
	for g := range 10 {
		wg.Go(func() {
			for i := range 10 {
				seq, err := l.Append(TypeToolCall, map[string]int{"g": g, "i": i})
				if err != nil {
					t.Error(err)
					return
				}
				seqs <- seq
			}
		})
	}
	wg.Wait()
	close(seqs)
	seen := map[int64]bool{}
	for s := range seqs {
		if seen[s] {
			t.Errorf("seq %d returned twice", s)
		}
		seen[s] = true
	}
	res, err := Verify(l.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.Records != 100 || res.TornTail {
		t.Fatalf("Verify = %+v", res)
	}
	recs, err := ReadLog(l.Dir())
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs {
		if r.Seq != int64(i+1) || !seen[r.Seq] {
			t.Fatalf("record %d has seq %d", i, r.Seq)
		}
	}
	if seq, head := l.Head(); seq != 100 || head != res.Head {
		t.Errorf("Head = %d %s, Verify head %s", seq, head, res.Head)
	}
}

func TestAppendData(t *testing.T) {
	l := newLog(t)
	if _, err := l.Append(TypeSessionStart, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(TypeNetwork, map[string]string{"url": "https://x/?a=<b>&c"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append("", nil); err == nil {
		t.Error("empty type accepted")
	}
	if _, err := l.Append(TypeVerdict, func() {}); err == nil {
		t.Error("unencodable data accepted")
	}
	smallLines(t, 1000)
	if _, err := l.Append(TypeVerdict, strings.Repeat("x", 1000)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge data: %v", err)
	}
	if _, err := l.Append(TypeVerdict, strings.Repeat("x", 950)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("huge record: %v", err)
	}
	recs, err := ReadLog(l.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || string(recs[0].Data) != "{}" || recs[0].Prev != zeroHash {
		t.Fatalf("records %+v", recs)
	}
	var d map[string]string
	if err := json.Unmarshal(recs[1].Data, &d); err != nil || d["url"] != "https://x/?a=<b>&c" {
		t.Errorf("data %s: %v", recs[1].Data, err)
	}
	if res, _ := Verify(l.Dir()); !res.OK {
		t.Errorf("Verify = %+v", res)
	}
}

func TestOpenContinuesChain(t *testing.T) {
	state, id := t.TempDir(), NewSessionID()
	l, err := Open(state, id)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "a")
	mustAppend(t, l, "b")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
	if _, err := l.Append(TypeToolCall, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v", err)
	}
	// A crash mid-append left a torn line; reopening drops it.
	f, err := os.OpenFile(filepath.Join(l.Dir(), logName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"seq":3,"time":"20`)
	f.Close()
	l, err = Open(state, id)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if seq := mustAppend(t, l, "c"); seq != 3 {
		t.Errorf("seq after reopen = %d", seq)
	}
	if err := l.Seal(); err != nil {
		t.Fatal(err)
	}
	res, err := Verify(l.Dir())
	if err != nil || !res.OK || res.Records != 4 || res.TornTail {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
	recs, _ := ReadLog(l.Dir())
	last := recs[len(recs)-1]
	if last.Type != TypeSessionEnd || string(last.Data) != `{"records":4}` {
		t.Errorf("seal record %s %s", last.Type, last.Data)
	}
}

func TestOpenRefusesTampered(t *testing.T) {
	state, id := t.TempDir(), NewSessionID()
	l, err := Open(state, id)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "a")
	mustAppend(t, l, "b")
	l.Close()
	name := filepath.Join(l.Dir(), logName)
	b, _ := os.ReadFile(name)
	os.WriteFile(name, []byte(strings.Replace(string(b), `"tool":"a"`, `"tool":"A"`, 1)), 0o600)
	if _, err := Open(state, id); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of tampered log: %v", err)
	}
}

func TestSessionID(t *testing.T) {
	a, b := NewSessionID(), NewSessionID()
	if !regexp.MustCompile(`^\d{8}T\d{6}Z-[0-9a-f]{8}$`).MatchString(a) || a == b {
		t.Errorf("IDs %q %q", a, b)
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, strings.Repeat("x", 200)} {
		if _, err := Open(t.TempDir(), bad); !errors.Is(err, ErrBadSessionID) {
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
}

func TestOpenCreatesPrivateLayout(t *testing.T) {
	l := newLog(t)
	for _, p := range []string{logName, filepath.Join(journalDir, entriesName), filepath.Join(journalDir, objectsDir)} {
		fi, err := os.Stat(filepath.Join(l.Dir(), p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v", p, fi.Mode())
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	l := newLog(b)
	data := map[string]any{"tool": "write_file", "mount": "work", "path": "src/main.go", "bytes": 4096}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Append(TypeToolCall, data); err != nil {
			b.Fatal(err)
		}
	}
}
