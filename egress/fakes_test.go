package egress

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"
)

// Addresses used as "the internet" in tests.
var (
	pub4 = netip.MustParseAddr("93.184.215.14")
	pub6 = netip.MustParseAddr("2606:4700::6810:85e5")
)

// hostAddrs are the fake host's own interface addresses.
var hostAddrs = []netip.Addr{
	netip.MustParseAddr("127.0.0.1"),
	netip.MustParseAddr("192.168.1.20"),
	netip.MustParseAddr("81.2.69.160"),
	netip.MustParseAddr("2a02:1234::20"),
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeResolver answers from answers (successive answers per name, the
// last repeating), or fallback for names it does not know, or err.
type fakeResolver struct {
	mu       sync.Mutex
	answers  map[string][][]netip.Addr
	fallback []netip.Addr
	err      error
	calls    []string
}

func (r *fakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, network+" "+host)
	if r.err != nil {
		return nil, r.err
	}
	if seq := r.answers[host]; len(seq) > 0 {
		if len(seq) > 1 {
			r.answers[host] = seq[1:]
		}
		return slices.Clone(seq[0]), nil
	}
	if r.fallback != nil {
		return slices.Clone(r.fallback), nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, Server: "10.0.0.53:53", IsNotFound: true}
}

func (r *fakeResolver) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// fakeDialer records the addresses it is asked to dial and connects each
// to one end of a net.Pipe, unless fail names the address.
type fakeDialer struct {
	mu     sync.Mutex
	dialed []string
	fail   map[string]error
	peers  []net.Conn
}

func (d *fakeDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if network != "tcp" {
		panic("network " + network)
	}
	d.dialed = append(d.dialed, addr)
	if err := d.fail[addr]; err != nil {
		return nil, err
	}
	a, b := net.Pipe()
	d.peers = append(d.peers, b)
	return a, nil
}

func (d *fakeDialer) Dialed() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.dialed)
}

func (d *fakeDialer) Peer(i int) net.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.peers[i]
}

func (d *fakeDialer) closePeers() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.peers {
		p.Close()
	}
}

type recorder struct {
	mu sync.Mutex
	ds []Decision
}

func (r *recorder) Log(d Decision) {
	r.mu.Lock()
	r.ds = append(r.ds, d)
	r.mu.Unlock()
}

func (r *recorder) All() []Decision {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ds)
}

func (r *recorder) Verdicts() []Verdict {
	var vs []Verdict
	for _, d := range r.All() {
		vs = append(vs, d.Verdict)
	}
	return vs
}

// env is a gate under test with its fakes.
type env struct {
	g    *Gate
	res  *fakeResolver
	dial *fakeDialer
	rec  *recorder
	clk  *clock
}

// newEnv makes a gate with fakes: names resolve to pub4 unless set
// otherwise, every dial succeeds, the host owns hostAddrs.
func newEnv(t *testing.T, p Policy, mods ...func(*Options)) *env {
	t.Helper()
	e := &env{
		res:  &fakeResolver{answers: map[string][][]netip.Addr{}, fallback: []netip.Addr{pub4}},
		dial: &fakeDialer{},
		rec:  &recorder{},
		clk:  newClock(),
	}
	o := Options{
		Resolver:   e.res,
		Dialer:     e.dial,
		Log:        e.rec.Log,
		LocalAddrs: func() ([]netip.Addr, error) { return hostAddrs, nil },
		Now:        e.clk.Now,
	}
	for _, m := range mods {
		m(&o)
	}
	g, err := NewGate(p, o)
	if err != nil {
		t.Fatal(err)
	}
	e.g = g
	t.Cleanup(func() {
		g.Close()
		e.dial.closePeers()
	})
	return e
}

// answer makes name (as the gate asks for it, fully qualified) resolve
// to the given successive answers.
func (e *env) answer(name string, answers ...[]netip.Addr) {
	e.res.mu.Lock()
	e.res.answers[name+"."] = answers
	e.res.mu.Unlock()
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}
