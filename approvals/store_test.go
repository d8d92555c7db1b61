package approvals

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

const testArgs = `{"path":"/r/a.txt","recursive":false}`

// clock is a settable time source for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestStore(ttl time.Duration) (*Store, *clock) {
	s := NewStore(ttl)
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s.now = c.now
	return s, c
}

func mustPut(t *testing.T, s *Store, session, tool, args string) string {
	t.Helper()
	state, err := s.Put(session, tool, []byte(args), basePlan())
	if err != nil {
		t.Fatal(err)
	}
	return state
}

func TestStoreHappyPathAndSingleUse(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	state := mustPut(t, s, "s1", "delete_path", testArgs)
	if n := s.Pending("s1"); n != 1 {
		t.Fatalf("Pending = %d, want 1", n)
	}
	got, err := s.Take("s1", "delete_path", []byte(testArgs), state)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fingerprint() != basePlan().Fingerprint() || got.Tool != "delete_path" {
		t.Errorf("Take returned another plan: %+v", got)
	}
	if n := s.Pending("s1"); n != 0 {
		t.Errorf("Pending after Take = %d", n)
	}
	if _, err := s.Take("s1", "delete_path", []byte(testArgs), state); !errors.Is(err, ErrUnknown) {
		t.Errorf("second Take: %v, want ErrUnknown", err)
	}
}

func TestStoreKeyOrderDoesNotMatter(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	state := mustPut(t, s, "s1", "delete_path", testArgs)
	if _, err := s.Take("s1", "delete_path", []byte(` { "recursive" : false , "path" : "/r/a.txt" } `), state); err != nil {
		t.Errorf("reordered args: %v", err)
	}
}

func TestStorePlanIsCopied(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	p := basePlan()
	state, err := s.Put("s1", "t", nil, p)
	if err != nil {
		t.Fatal(err)
	}
	p.Items[0].Size = 1
	got, err := s.Take("s1", "t", nil, state)
	if err != nil {
		t.Fatal(err)
	}
	if got.Items[0].Size != 3072 {
		t.Error("Put kept a reference to the caller's items")
	}
}

func TestStoreMismatch(t *testing.T) {
	tests := []struct{ name, session, tool, args string }{
		{"other session", "s2", "delete_path", testArgs},
		{"other tool", "s1", "move_path", testArgs},
		{"other args", "s1", "delete_path", `{"path":"/r/b.txt","recursive":false}`},
		{"number spelling", "s1", "delete_path", `{"path":"/r/a.txt","recursive":false,"n":1}`},
		{"invalid args", "s1", "delete_path", `{"path":`},
	}
	for _, tt := range tests {
		s, _ := newTestStore(time.Minute)
		state := mustPut(t, s, "s1", "delete_path", testArgs)
		if _, err := s.Take(tt.session, tt.tool, []byte(tt.args), state); !errors.Is(err, ErrMismatch) {
			t.Errorf("%s: %v, want ErrMismatch", tt.name, err)
		}
		// The approval is used up: the right call cannot use it now.
		if _, err := s.Take("s1", "delete_path", []byte(testArgs), state); !errors.Is(err, ErrUnknown) {
			t.Errorf("%s: Take after mismatch: %v, want ErrUnknown", tt.name, err)
		}
	}
}

func TestStoreForged(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	state := mustPut(t, s, "s1", "delete_path", testArgs)
	flip := func(c byte) byte {
		if c == 'A' {
			return 'B'
		}
		if c == '.' {
			return '-'
		}
		return 'A'
	}
	for i := range len(state) {
		b := []byte(state)
		b[i] = flip(b[i])
		if _, err := s.Take("s1", "delete_path", []byte(testArgs), string(b)); !errors.Is(err, ErrForged) {
			t.Errorf("state with byte %d changed: %v, want ErrForged", i, err)
		}
	}
	for _, bad := range []string{"", ".", state + "A", state[:len(state)-1], strings.ToLower(state), "x." + state, state + "."} {
		if _, err := s.Take("s1", "delete_path", []byte(testArgs), bad); !errors.Is(err, ErrForged) {
			t.Errorf("state %q: %v, want ErrForged", bad, err)
		}
	}
	// None of that used up the real approval.
	if _, err := s.Take("s1", "delete_path", []byte(testArgs), state); err != nil {
		t.Errorf("genuine state after forgeries: %v", err)
	}
}

func TestStoreOtherProcess(t *testing.T) {
	s1, _ := newTestStore(time.Minute)
	s2, _ := newTestStore(time.Minute)
	state := mustPut(t, s1, "s1", "t", testArgs)
	if _, err := s2.Take("s1", "t", []byte(testArgs), state); !errors.Is(err, ErrForged) {
		t.Errorf("state from another store: %v, want ErrForged", err)
	}
}

func TestStoreExpiry(t *testing.T) {
	s, c := newTestStore(time.Minute)
	state := mustPut(t, s, "s1", "t", testArgs)
	c.add(time.Minute)
	if n := s.Pending("s1"); n != 1 {
		t.Errorf("Pending at the TTL = %d, want 1", n)
	}
	c.add(time.Nanosecond)
	if n := s.Pending("s1"); n != 0 {
		t.Errorf("Pending after the TTL = %d, want 0", n)
	}
	if _, err := s.Take("s1", "t", []byte(testArgs), state); !errors.Is(err, ErrExpired) {
		t.Errorf("Take after the TTL: %v, want ErrExpired", err)
	}
	if _, err := s.Take("s1", "t", []byte(testArgs), state); !errors.Is(err, ErrUnknown) {
		t.Errorf("Take after expiry was reported: %v, want ErrUnknown", err)
	}
}

func TestStoreRealClockExpiry(t *testing.T) {
	s := NewStore(time.Millisecond)
	state, err := s.Put("s1", "t", nil, Plan{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := s.Take("s1", "t", nil, state); !errors.Is(err, ErrExpired) {
		t.Errorf("Take: %v, want ErrExpired", err)
	}
}

func TestStoreSweep(t *testing.T) {
	s, c := newTestStore(time.Minute)
	old := mustPut(t, s, "s1", "t", testArgs)
	c.add(2*time.Minute + time.Second)
	mustPut(t, s, "s2", "t", testArgs) // sweeps the stale entry
	if _, err := s.Take("s1", "t", []byte(testArgs), old); !errors.Is(err, ErrUnknown) {
		t.Errorf("stale entry: %v, want ErrUnknown", err)
	}
	s.mu.Lock()
	n := len(s.entries)
	s.mu.Unlock()
	if n != 1 {
		t.Errorf("%d entries left, want 1", n)
	}
}

func TestStoreFlood(t *testing.T) {
	s, c := newTestStore(time.Minute)
	var states []string
	for i := range MaxPendingPerSession {
		states = append(states, mustPut(t, s, "s1", "t", fmt.Sprintf(`{"i":%d}`, i)))
	}
	if _, err := s.Put("s1", "t", []byte(`{"i":99}`), Plan{}); !errors.Is(err, ErrTooMany) {
		t.Fatalf("Put over the limit: %v, want ErrTooMany", err)
	}
	// Other sessions are not affected.
	mustPut(t, s, "s2", "t", testArgs)
	// Taking one makes room again.
	if _, err := s.Take("s1", "t", []byte(`{"i":0}`), states[0]); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "s1", "t", `{"i":100}`)
	// Expired ones do not count.
	c.add(2 * time.Minute)
	mustPut(t, s, "s1", "t", `{"i":101}`)
	if n := s.Pending("s1"); n != 1 {
		t.Errorf("Pending = %d, want 1", n)
	}
}

func TestStoreEnd(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	a := mustPut(t, s, "s1", "t", testArgs)
	b := mustPut(t, s, "s2", "t", testArgs)
	s.End("s1")
	if s.Pending("s1") != 0 || s.Pending("s2") != 1 {
		t.Errorf("Pending after End = %d, %d", s.Pending("s1"), s.Pending("s2"))
	}
	if _, err := s.Take("s1", "t", []byte(testArgs), a); !errors.Is(err, ErrUnknown) {
		t.Errorf("Take after End: %v", err)
	}
	if _, err := s.Take("s2", "t", []byte(testArgs), b); err != nil {
		t.Errorf("other session: %v", err)
	}
}

func TestStoreBadArgs(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	if _, err := s.Put("s1", "t", []byte(`{"a":1,"a":2}`), Plan{}); !errors.Is(err, ErrBadJSON) {
		t.Errorf("Put with duplicate keys: %v, want ErrBadJSON", err)
	}
}

func TestStoreConcurrent(t *testing.T) {
	s := NewStore(time.Minute)
	const sessions, perSession = 32, 40
	var wg sync.WaitGroup
	errs := make(chan error, sessions*perSession)
	for i := range sessions {
		session := fmt.Sprintf("s%d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perSession {
				args := fmt.Appendf(nil, `{"j":%d}`, j)
				state, err := s.Put(session, "t", args, basePlan())
				if err != nil {
					errs <- err
					return
				}
				// Race several Takes of the same state: exactly one may
				// succeed.
				var inner sync.WaitGroup
				var mu sync.Mutex
				ok := 0
				for k := range 4 {
					inner.Add(1)
					go func() {
						defer inner.Done()
						_, err := s.Take(session, "t", args, state)
						if err == nil {
							mu.Lock()
							ok++
							mu.Unlock()
						} else if !errors.Is(err, ErrUnknown) {
							errs <- fmt.Errorf("take %d: %w", k, err)
						}
					}()
				}
				inner.Wait()
				if ok != 1 {
					errs <- fmt.Errorf("%s/%d: %d successful takes, want 1", session, j, ok)
				}
				s.Pending(session)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range sessions {
		if n := s.Pending(fmt.Sprintf("s%d", i)); n != 0 {
			t.Errorf("session %d: %d pending", i, n)
		}
	}
}

func TestStoreOutOfOrderAnswers(t *testing.T) {
	s, _ := newTestStore(time.Minute)
	a := mustPut(t, s, "s1", "t", `{"p":"a"}`)
	b := mustPut(t, s, "s1", "t", `{"p":"b"}`)
	// Answers come back swapped: each state binds only to its own call.
	if _, err := s.Take("s1", "t", []byte(`{"p":"a"}`), b); !errors.Is(err, ErrMismatch) {
		t.Errorf("b's state for a: %v", err)
	}
	if _, err := s.Take("s1", "t", []byte(`{"p":"a"}`), a); err != nil {
		t.Errorf("a's state for a: %v", err)
	}
}
