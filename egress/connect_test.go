package egress

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestDialRebinding: a name that answers public, then private, is dialled
// only at the address checked for each dial.
func TestDialRebinding(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow})
	e.answer("rebind.example.com", []netip.Addr{pub4}, addrs("127.0.0.1"))
	c := mustDial(t, e, "rebind.example.com", 443)
	defer c.Close()
	_, err := e.g.Dial(context.Background(), "c", "rebind.example.com", 443)
	wantDenied(t, e, err, "rebind.example.com resolves to 127.0.0.1, which is refused: loopback")
	if d := e.dial.Dialed(); !slices.Equal(d, []string{"93.184.215.14:443"}) {
		t.Errorf("dialed %v, want only the first checked address", d)
	}
	want := []string{"ip rebind.example.com.", "ip rebind.example.com."}
	if got := e.res.Calls(); !slices.Equal(got, want) {
		t.Errorf("resolver calls %v, want one per dial %v", got, want)
	}
}
func TestDialTriesAddressesInOrder(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow})
	e.answer("dual.example.com", []netip.Addr{pub6, netip.MustParseAddr("::ffff:93.184.215.14")})
	e.dial.fail = map[string]error{"[2606:4700::6810:85e5]:443": syscall.ECONNREFUSED}
	c := mustDial(t, e, "Dual.Example.com.", 443)
	c.Close()
	if d := e.dial.Dialed(); !slices.Equal(d, []string{"[2606:4700::6810:85e5]:443", "93.184.215.14:443"}) {
		t.Errorf("dialed %v", d)
	}
	if got := e.res.Calls(); !slices.Equal(got, []string{"ip dual.example.com."}) {
		t.Errorf("resolver calls %v", got)
	}
	if d := e.rec.All()[0]; d.IP != pub4 || d.Host != "dual.example.com" {
		t.Errorf("decision %+v", d)
	}
}
func TestDialFailures(t *testing.T) {
	t.Run("no such host", func(t *testing.T) {
		e := newEnv(t, Policy{Unknown: ModeAllow})
		e.res.fallback = nil
		_, err := e.g.Dial(context.Background(), "c", "nx.example.com", 443)
		var fe *DialError
		if !errors.As(err, &fe) || errors.Is(err, ErrDenied) {
			t.Fatalf("err = %v, want a *DialError", err)
		}
		if got, want := err.Error(), "egress: connection to nx.example.com:443 failed: cannot resolve nx.example.com: no such host"; got != want {
			t.Errorf("error %q, want %q", got, want)
		}
		d := e.rec.All()[0]
		if d.Verdict != Failed || !strings.Contains(d.Reason, "10.0.0.53") {
			t.Errorf("decision %+v should keep the cause", d)
		}
	})
	t.Run("empty answer", func(t *testing.T) {
		e := newEnv(t, Policy{Unknown: ModeAllow})
		e.answer("empty.example.com", []netip.Addr{})
		_, err := e.g.Dial(context.Background(), "c", "empty.example.com", 443)
		if err == nil || !strings.Contains(err.Error(), "no addresses") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		e := newEnv(t, Policy{Unknown: ModeAllow})
		e.dial.fail = map[string]error{"93.184.215.14:443": &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
		_, err := e.g.Dial(context.Background(), "c", "example.com", 443)
		if err == nil || err.Error() != "egress: connection to example.com:443 failed: connection refused" {
			t.Fatalf("err = %v", err)
		}
		if v := e.rec.Verdicts(); !slices.Equal(v, []Verdict{Failed}) {
			t.Errorf("verdicts %v", v)
		}
	})
	t.Run("local addresses unknown", func(t *testing.T) {
		e := newEnv(t, Policy{Unknown: ModeAllow}, func(o *Options) {
			o.LocalAddrs = func() ([]netip.Addr, error) { return nil, errors.New("netlink: permission denied") }
		})
		_, err := e.g.Dial(context.Background(), "c", "example.com", 443)
		wantDenied(t, e, err, "cannot list this host's own addresses")
		if strings.Contains(err.Error(), "netlink") || !strings.Contains(e.rec.All()[0].Reason, "netlink") {
			t.Errorf("the cause should be logged, not shown: %v", err)
		}
		if d := e.dial.Dialed(); len(d) != 0 {
			t.Errorf("dialed %v", d)
		}
	})
}
