package egress

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestCheckBeforeDial(t *testing.T) {
	e := newEnv(t, Policy{Allow: []string{"docs.example.com", "127.0.0.1:8443"}, Deny: []string{"bad.example.com"}},
		func(o *Options) { o.Ask = func(context.Context, string, int) (bool, error) { return true, nil } })
	for _, c := range []struct {
		host    string
		port    int
		needAsk bool
		denied  bool
	}{
		{"docs.example.com", 443, false, false},
		{"127.0.0.1", 8443, false, false},
		{"127.0.0.1", 80, false, true},
		{"169.254.169.254", 80, false, true},
		{"10.0.0.1", 443, false, true},
		{"::ffff:127.0.0.1", 443, false, true},
		{"bad.example.com", 443, false, true},
		{"other.example.org", 443, true, false},
		{"other.example.org", 22, false, true},
		{"127.1", 80, false, true},
	} {
		needAsk, err := e.g.Check(c.host, c.port)
		if needAsk != c.needAsk || (err != nil) != c.denied {
			t.Errorf("Check(%s, %d) = %v, %v; want needAsk %v, denied %v", c.host, c.port, needAsk, err, c.needAsk, c.denied)
		}
		if c.denied && !errors.Is(err, ErrDenied) {
			t.Errorf("Check(%s, %d): error %v does not match ErrDenied", c.host, c.port, err)
		}
	}
	if n := len(e.res.Calls()); n != 0 {
		t.Errorf("Check resolved %d names; it must not resolve", n)
	}
	if n := len(e.dial.Dialed()); n != 0 {
		t.Errorf("Check dialed %d times", n)
	}
}

func TestAnswerIsRememberedAndLogged(t *testing.T) {
	asked := 0
	e := newEnv(t, Policy{}, func(o *Options) {
		o.Ask = func(context.Context, string, int) (bool, error) { asked++; return true, nil }
	})
	e.g.Answer("no.example.org", 443, false)
	if _, err := e.g.Check("no.example.org", 443); !errors.Is(err, ErrDenied) {
		t.Errorf("declined host: Check err = %v, want denied", err)
	}
	if _, err := e.g.Dial(context.Background(), "c1", "no.example.org", 443); !errors.Is(err, ErrDenied) {
		t.Errorf("declined host: Dial err = %v, want denied", err)
	}
	e.g.Answer("yes.example.org", 443, true)
	if needAsk, err := e.g.Check("yes.example.org", 443); needAsk || err != nil {
		t.Errorf("approved host: Check = %v, %v", needAsk, err)
	}
	c, err := e.g.Dial(context.Background(), "c2", "yes.example.org", 443)
	if err != nil {
		t.Fatalf("approved host: Dial: %v", err)
	}
	c.Close()
	if asked != 0 {
		t.Errorf("Ask called %d times; answers given through Answer must not ask again", asked)
	}
	want := []Verdict{Declined, Denied, Denied, Approved, Allowed, Closed}
	if got := e.rec.Verdicts(); !slices.Equal(got, want) {
		t.Errorf("log = %v, want %v", got, want)
	}
	if dialed := e.dial.Dialed(); len(dialed) != 1 {
		t.Errorf("dialed %v; only the approved host may be dialed", dialed)
	}
}

func TestRefuseLogs(t *testing.T) {
	e := newEnv(t, Policy{})
	e.g.Refuse("x.example.org", 443, "the client cannot ask the user")
	all := e.rec.All()
	if len(all) != 1 || all[0].Verdict != Denied || all[0].Host != "x.example.org" || all[0].Reason != "the client cannot ask the user" {
		t.Errorf("log = %+v", all)
	}
}

func TestExactAddressRuleDoesNotOpenMappedSpelling(t *testing.T) {
	e := newEnv(t, Policy{Allow: []string{"127.0.0.1:8080"}})
	if _, err := e.g.Check("127.0.0.1", 8080); err != nil {
		t.Errorf("127.0.0.1:8080 named by a rule: %v", err)
	}
	if _, err := e.g.Check("::ffff:127.0.0.1", 8080); !errors.Is(err, ErrDenied) {
		t.Errorf("::ffff:127.0.0.1 must stay refused: err = %v", err)
	}
	if _, err := e.g.Dial(context.Background(), "c", "::ffff:127.0.0.1", 8080); !errors.Is(err, ErrDenied) {
		t.Errorf("Dial ::ffff:127.0.0.1: err = %v", err)
	}
}
