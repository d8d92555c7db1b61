package audit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tenRecords returns a session directory holding a log of ten records and
// the log's lines.
func tenRecords(t *testing.T) (string, []string) {
	t.Helper()
	l := newLog(t)
	for i := range 10 {
		mustAppend(t, l, strings.Repeat("x", i))
	}
	b, err := os.ReadFile(filepath.Join(l.Dir(), logName))
	if err != nil {
		t.Fatal(err)
	}
	return l.Dir(), strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestVerifyTampering(t *testing.T) {
	// lines[i] is line i+1 and ends in "\n", except the last.
	cases := []struct {
		name     string
		edit     func(lines []string) string
		firstBad int64
		torn     bool
		records  int
	}{
		{"intact", func(ls []string) string { return strings.Join(ls, "") + "\n" }, 0, false, 10},
		{"flip a byte", func(ls []string) string {
			b := []byte(ls[4])
			b[len(b)/2] ^= 1
			ls[4] = string(b)
			return strings.Join(ls, "") + "\n"
		}, 5, false, 4},
		{"flip a hash digit", func(ls []string) string {
			i := strings.Index(ls[4], `"hash":"`) + len(`"hash":"`)
			c := "0"
			if ls[4][i] == '0' {
				c = "1"
			}
			ls[4] = ls[4][:i] + c + ls[4][i+1:]
			return strings.Join(ls, "") + "\n"
		}, 5, false, 4},
		{"delete a line", func(ls []string) string {
			return strings.Join(append(ls[:4:4], ls[5:]...), "") + "\n"
		}, 5, false, 4},
		{"swap two lines", func(ls []string) string {
			ls[3], ls[4] = ls[4], ls[3]
			return strings.Join(ls, "") + "\n"
		}, 4, false, 3},
		{"change prev", func(ls []string) string {
			i := strings.Index(ls[5], `"prev":"`) + len(`"prev":"`)
			ls[5] = ls[5][:i] + strings.Repeat("ab", 32) + ls[5][i+64:]
			return strings.Join(ls, "") + "\n"
		}, 6, false, 5},
		{"rewrite a record consistently", func(ls []string) string {
			rec, reason := checkRecord([]byte(strings.TrimSuffix(ls[5], "\n")), 6, lineHash([]byte(strings.TrimSuffix(ls[4], "\n"))))
			if reason != "" {
				t.Fatal(reason)
			}
			line, _, _ := encodeRecord(wireRecord{Seq: 6, Time: rec.Time.Format(time.RFC3339Nano),
				Type: rec.Type, Data: []byte(`{"tool":"forged"}`), Prev: rec.Prev})
			ls[5] = string(line) + "\n"
			return strings.Join(ls, "") + "\n"
		}, 7, false, 6},
		{"insignificant whitespace", func(ls []string) string {
			ls[2] = strings.Replace(ls[2], `,"type"`, `, "type"`, 1)
			return strings.Join(ls, "") + "\n"
		}, 3, false, 2},
		{"empty line", func(ls []string) string {
			return strings.Join(ls[:2], "") + "\n" + strings.Join(ls[2:], "") + "\n"
		}, 3, false, 2},
		{"truncated mid-line", func(ls []string) string {
			return strings.Join(ls[:9], "") + ls[9][:len(ls[9])/2]
		}, 0, true, 9},
		{"last newline missing", func(ls []string) string { return strings.Join(ls, "") }, 0, true, 9},
		{"garbage appended", func(ls []string) string { return strings.Join(ls, "") + "\n{garbage}\n" }, 11, false, 10},
		{"garbage without newline", func(ls []string) string { return strings.Join(ls, "") + "\n{garb" }, 0, true, 10},
		{"NUL-filled tail", func(ls []string) string { return strings.Join(ls, "") + "\n\x00\x00\x00" }, 0, true, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, lines := tenRecords(t)
			name := filepath.Join(dir, logName)
			if err := os.WriteFile(name, []byte(tc.edit(lines)), 0o600); err != nil {
				t.Fatal(err)
			}
			res, err := Verify(dir)
			if err != nil {
				t.Fatal(err)
			}
			if res.FirstBad != tc.firstBad || res.TornTail != tc.torn || res.Records != tc.records ||
				res.OK != (tc.firstBad == 0) {
				t.Fatalf("Verify = %+v", res)
			}
			if (res.Reason == "") != (tc.firstBad == 0 && !tc.torn) {
				t.Errorf("reason %q", res.Reason)
			}
			recs, err := ReadLog(dir)
			if len(recs) != tc.records {
				t.Errorf("ReadLog returned %d records", len(recs))
			}
			if (err != nil) != (tc.firstBad != 0) || (err != nil && !errors.Is(err, ErrCorrupt)) {
				t.Errorf("ReadLog error %v", err)
			}
		})
	}
}

func TestLineReader(t *testing.T) {
	lr := newLineReader(strings.NewReader("a\n\nbc\nd"), 10)
	var got []string
	for {
		line, complete, err := lr.next()
		if err != nil {
			break
		}
		s := string(line)
		if !complete {
			s += "(torn)"
		}
		got = append(got, s)
	}
	if strings.Join(got, "|") != "a||bc|d(torn)" || lr.n != 4 {
		t.Errorf("lines %q, n=%d", got, lr.n)
	}
	lr = newLineReader(strings.NewReader(strings.Repeat("x", 100)+"\n"+strings.Repeat("x", 101)+"\n"), 100)
	if line, _, err := lr.next(); err != nil || len(line) != 100 {
		t.Errorf("line at the limit: %d bytes, %v", len(line), err)
	}
	if _, _, err := lr.next(); !errors.Is(err, errLineTooLong) {
		t.Errorf("long line: %v", err)
	}
}

func TestReadLogMissing(t *testing.T) {
	if _, err := ReadLog(t.TempDir()); err == nil {
		t.Error("ReadLog of an empty directory succeeded")
	}
	if _, err := Verify(t.TempDir()); err == nil {
		t.Error("Verify of an empty directory succeeded")
	}
}
