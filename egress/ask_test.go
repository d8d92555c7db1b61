package egress

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// asker is a fake AskFunc that blocks until release is closed (if set)
// and then answers from answers, in order, the last repeating.
type asker struct {
	calls   atomic.Int32
	mu      sync.Mutex
	asked   []string
	answers []answer
	release chan struct{}
	ctxs    chan context.Context // receives the context of each call, if set
}

type answer struct {
	ok  bool
	err error
}

func (a *asker) Ask(ctx context.Context, host string, port int) (bool, error) {
	a.calls.Add(1)
	a.mu.Lock()
	a.asked = append(a.asked, hostPort(host, port))
	ans := a.answers[0]
	if len(a.answers) > 1 {
		a.answers = a.answers[1:]
	}
	a.mu.Unlock()
	if a.ctxs != nil {
		a.ctxs <- ctx
	}
	if a.release != nil {
		select {
		case <-a.release:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	return ans.ok, ans.err
}

func withAsk(a *asker) func(*Options) { return func(o *Options) { o.Ask = a.Ask } }

// waiters reports how many dials wait on the question about key.
func waiters(g *Gate, key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if q := g.questions[key]; q != nil {
		return q.waiters
	}
	return 0
}

// TestAskOnceConcurrent: concurrent dials to one unknown destination make
// one question, and the answer is remembered.
func TestAskOnceConcurrent(t *testing.T) {
	a := &asker{answers: []answer{{ok: true}}, release: make(chan struct{})}
	e := newEnv(t, Policy{}, withAsk(a))
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := e.g.Dial(context.Background(), "c", "new.example.com", 443)
			if err == nil {
				c.Close()
			}
			errs[i] = err
		}()
	}
	for waiters(e.g, "new.example.com:443") < n {
		runtime.Gosched() // until every dial waits on the one question
	}
	close(a.release)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if c := a.calls.Load(); c != 1 {
		t.Fatalf("asked %d times, want 1", c)
	}
	approved := 0
	for _, d := range e.rec.All() {
		if d.Verdict == Approved {
			approved++
			if d.IP != pub4 || d.Reason != "the user approved" {
				t.Errorf("decision %+v", d)
			}
		}
	}
	if approved != n {
		t.Errorf("%d approved decisions, want %d", approved, n)
	}

	// Remembered for the session, for that host and port only.
	c := mustDial(t, e, "NEW.example.com.", 443)
	c.Close()
	ds := e.rec.All()
	if d := ds[len(ds)-2]; d.Verdict != Allowed || d.Reason != "the user approved it earlier in this session" {
		t.Errorf("decision %+v", d)
	}
	if c := a.calls.Load(); c != 1 {
		t.Fatalf("asked %d times, want 1", c)
	}
	mustDial(t, e, "new.example.com", 80).Close()
	if c := a.calls.Load(); c != 2 {
		t.Fatalf("asked %d times, want 2 (another port)", c)
	}
}

// TestAskDecline: a declined destination is neither resolved nor dialled,
// logs one Declined decision, and is refused without asking again.
func TestAskDecline(t *testing.T) {
	a := &asker{answers: []answer{{ok: false}}}
	e := newEnv(t, Policy{}, withAsk(a))
	_, err := e.g.Dial(context.Background(), "call-9", "exfil.example.com", 443)
	if !errors.Is(err, ErrDenied) || err.Error() != "egress: connection to exfil.example.com:443 denied: the user declined" {
		t.Fatalf("err = %v", err)
	}
	ds := e.rec.All()
	if len(ds) != 1 || ds[0].Verdict != Declined || ds[0].Host != "exfil.example.com" || ds[0].Port != 443 || ds[0].CallID != "call-9" || ds[0].IP.IsValid() {
		t.Fatalf("decisions %+v, want one Declined", ds)
	}
	if n := len(e.res.Calls()) + len(e.dial.Dialed()); n != 0 {
		t.Errorf("resolver or dialer called %d times", n)
	}
	_, err = e.g.Dial(context.Background(), "c", "exfil.example.com", 443)
	wantDenied(t, e, err, "the user declined it earlier in this session")
	if c := a.calls.Load(); c != 1 {
		t.Errorf("asked %d times", c)
	}
	if n := len(e.res.Calls()) + len(e.dial.Dialed()); n != 0 {
		t.Errorf("resolver or dialer called %d times", n)
	}
}

// TestAskError: a failed question denies without showing the cause and is
// not remembered.
func TestAskError(t *testing.T) {
	a := &asker{answers: []answer{{err: errors.New("elicitation: client at 10.9.8.7 hung up")}, {ok: true}}}
	e := newEnv(t, Policy{}, withAsk(a))
	_, err := e.g.Dial(context.Background(), "c", "x.example.com", 443)
	wantDenied(t, e, err, "the user could not be asked")
	if strings.Contains(err.Error(), "10.9.8.7") {
		t.Errorf("error shows the cause: %v", err)
	}
	if d := e.rec.All()[0]; !strings.Contains(d.Reason, "10.9.8.7") {
		t.Errorf("log lacks the cause: %+v", d)
	}
	mustDial(t, e, "x.example.com", 443).Close()
	if v := e.rec.Verdicts(); !slices.Equal(v, []Verdict{Denied, Approved, Closed}) {
		t.Errorf("verdicts %v", v)
	}
}

// TestAskWithdrawn: when the only waiting dial gives up, the question's
// context is cancelled and nothing is remembered.
func TestAskWithdrawn(t *testing.T) {
	a := &asker{answers: []answer{{ok: true}}, release: make(chan struct{}), ctxs: make(chan context.Context, 1)}
	e := newEnv(t, Policy{}, withAsk(a))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := e.g.Dial(ctx, "c", "slow.example.com", 443)
		done <- err
	}()
	actx := <-a.ctxs
	cancel()
	err := <-done
	if !errors.Is(err, ErrDenied) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	<-actx.Done() // the question is withdrawn
	e.g.mu.Lock()
	_, remembered := e.g.answers["slow.example.com:443"]
	e.g.mu.Unlock()
	if remembered {
		t.Error("a withdrawn question was remembered")
	}
}

// TestAskIPLiteralCheckedFirst: a special address is refused before the
// user is bothered.
func TestAskIPLiteralCheckedFirst(t *testing.T) {
	a := &asker{answers: []answer{{ok: true}}}
	e := newEnv(t, Policy{}, withAsk(a))
	_, err := e.g.Dial(context.Background(), "c", "169.254.169.254", 80)
	wantDenied(t, e, err, "cloud metadata")
	if c := a.calls.Load(); c != 0 {
		t.Errorf("asked %d times", c)
	}
}

// TestAskApprovedButPrivate: approval does not open special addresses.
func TestAskApprovedButPrivate(t *testing.T) {
	a := &asker{answers: []answer{{ok: true}}}
	e := newEnv(t, Policy{}, withAsk(a))
	e.answer("intranet.example.com", addrs("10.20.30.40"))
	_, err := e.g.Dial(context.Background(), "c", "intranet.example.com", 443)
	wantDenied(t, e, err, "the user approved it, but intranet.example.com resolves to 10.20.30.40")
	if d := e.dial.Dialed(); len(d) != 0 {
		t.Errorf("dialed %v", d)
	}
}

// TestAskCanceledByClose: closing the gate withdraws pending questions
// and fails the dials waiting on them.
func TestAskCanceledByClose(t *testing.T) {
	a := &asker{answers: []answer{{ok: true}}, release: make(chan struct{}), ctxs: make(chan context.Context, 1)}
	e := newEnv(t, Policy{}, withAsk(a))
	done := make(chan error)
	go func() {
		_, err := e.g.Dial(context.Background(), "c", "slow.example.com", 443)
		done <- err
	}()
	actx := <-a.ctxs
	e.g.Close()
	if err := <-done; !errors.Is(err, ErrDenied) {
		t.Fatalf("err = %v", err)
	}
	<-actx.Done()
	_, err := e.g.Dial(context.Background(), "c", "slow.example.com", 443)
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
}
