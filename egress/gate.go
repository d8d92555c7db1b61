package egress

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Resolver looks up the addresses of a host name; *net.Resolver satisfies
// it. The gate calls it at most once per Dial, with network "ip" and the
// name fully qualified (ending in a dot) so the host's search domains are
// not applied.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Dialer makes TCP connections; *net.Dialer satisfies it. The gate calls
// it with network "tcp" and an address "ip:port", never a name.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// AskFunc asks the user whether the session may connect to host:port
// (host is canonical, an IP literal unbracketed). It returns true for yes
// and false for no, or an error when no answer could be had: the error is
// logged, the dials waiting for it are denied, and the question may be
// asked again later. The context carries the values of the first dial that
// asked and is cancelled when every waiting dial has given up or the gate
// closes.
type AskFunc func(ctx context.Context, host string, port int) (bool, error)

// Options are a Gate's collaborators. Every field is optional.
type Options struct {
	// Resolver resolves host names; nil means net.DefaultResolver.
	Resolver Resolver
	// Dialer dials the checked addresses; nil means a zero net.Dialer.
	Dialer Dialer
	// Ask asks the user about unknown hosts in ModeAsk; nil means no one
	// can, and such hosts are denied.
	Ask AskFunc
	// Log receives every decision, synchronously and never with a lock
	// held; it must be safe for concurrent use. Nil discards them.
	Log func(Decision)
	// LocalAddrs lists the host's own addresses, which are refused like
	// loopback. It is called for every address check, so interfaces that
	// come and go are seen. Nil means the addresses of the host's network
	// interfaces (net.InterfaceAddrs). An error denies the connection.
	LocalAddrs func() ([]netip.Addr, error)
	// Now is the clock for decision times, durations and the rate cap;
	// nil means time.Now. Deadlines always use the real clock.
	Now func() time.Time
}

// Timeouts of the steps of a Dial, on top of the caller's context.
const (
	resolveTimeout = 10 * time.Second
	dialTimeout    = 10 * time.Second // each address
	connectTimeout = 30 * time.Second // all addresses together
)

// Gate decides, makes and logs the network connections of one session.
// It is safe for concurrent use. Close ends the session.
//
// The connections Dial returns share the session's byte budget
// (Policy.MaxBytes, both directions): once it is spent, Read and Write
// fail with an error matching ErrByteLimit, and a Write that does not fit
// writes what does. Each connection ends at Policy.MaxConnTime: Read and
// Write then fail with an error matching ErrTimeLimit, and deadlines set
// on the connection cannot extend it. They have a CloseWrite method (half
// close) when the underlying connection has one, and their first Close
// logs one Closed decision with the byte counts and duration; later calls
// return net.ErrClosed.
type Gate struct {
	p      Policy // defaults filled in
	allow  []Rule
	deny   []Rule
	o      Options
	budget budget
	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc

	mu        sync.Mutex
	closed    bool
	rate      window
	answers   map[string]bool      // the user's answers, by host:port
	questions map[string]*question // questions in flight, by host:port
	conns     map[*conn]struct{}   // open connections
}

// NewGate returns the gate of one session, enforcing p.
func NewGate(p Policy, o Options) (*Gate, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p = p.withDefaults()
	g := &Gate{
		p:         p,
		o:         o,
		rate:      window{max: p.MaxDialsPerMinute, span: time.Minute},
		answers:   make(map[string]bool),
		questions: make(map[string]*question),
		conns:     make(map[*conn]struct{}),
	}
	for _, s := range p.Allow {
		r, _ := ParseRule(s) // Validate checked it
		g.allow = append(g.allow, r)
	}
	for _, s := range p.Deny {
		r, _ := ParseRule(s)
		g.deny = append(g.deny, r)
	}
	if g.o.Resolver == nil {
		g.o.Resolver = net.DefaultResolver
	}
	if g.o.Dialer == nil {
		g.o.Dialer = &net.Dialer{}
	}
	if g.o.LocalAddrs == nil {
		g.o.LocalAddrs = interfaceAddrs
	}
	if g.o.Now == nil {
		g.o.Now = time.Now
	}
	g.budget.max = p.MaxBytes
	g.ctx, g.cancel = context.WithCancel(context.Background())
	return g, nil
}

// Dial connects the session to host:port if the policy allows it. In
// order, it:
//
//  1. validates host and port: host is an IP literal (IPv6 with or
//     without brackets, no zone) or a DNS name of at least two ASCII LDH
//     labels whose last label starts with a letter, so numeric IPv4
//     forms such as "127.1" or "0x7f000001" are refused; names are
//     lowercased and lose one trailing dot;
//  2. refuses a destination a deny rule names, then allows one an allow
//     rule names on a port the rule covers, refuses one a rule names on
//     another port, and refuses ports outside Policy.Ports for the rest;
//  3. checks an IP literal's address (below);
//  4. applies Policy.Unknown to a destination no allow rule names: deny,
//     allow, or ask the user once per host and port per session;
//  5. counts the attempt against the rate cap and checks the byte cap;
//  6. resolves a name once and checks every address in the answer: if
//     any is loopback, private, link-local, metadata, reserved, one of the
//     host's own or otherwise special (see the package doc), or named by
//     an IP deny rule, the whole name is refused, unless an IP allow rule
//     names that exact address and port;
//  7. dials the checked addresses in order, never the name, until one
//     connects.
//
// A refused connection returns a *DeniedError (errors.Is(err, ErrDenied));
// an allowed one that could not be made returns a *DialError. The Dialer
// is never called for a refused connection, nor the Resolver for a name
// that is refused or that the user declines. See Gate for the limits of
// the returned connection, and Verdict for what is logged.
func (g *Gate) Dial(ctx context.Context, callID, rawHost string, port int) (net.Conn, error) {
	d := Decision{Port: port, CallID: callID}
	h, err := parseHost(rawHost)
	if err != nil {
		d.Host = displayHost(rawHost)
		return nil, g.refuse(d, "invalid host: "+err.Error(), nil)
	}
	d.Host = h.name
	if !validPort(port) {
		return nil, g.refuse(d, fmt.Sprintf("invalid port %d (want 1..65535)", port), nil)
	}
	ctx, stop := g.bind(ctx)
	defer stop()
	if g.ctx.Err() != nil {
		return nil, g.refuse(d, "the session is closed", ErrClosed)
	}

	known, reason := g.match(h, port)
	if known == refused {
		return nil, g.refuse(d, reason, nil)
	}
	if h.isAddr() {
		if ip, why, err := g.checkAddrs(h, port, []netip.Addr{h.addr}); why != "" {
			d.IP = ip
			return nil, g.refuseAddr(d, why, err)
		}
	}
	verdict, needAsk := Allowed, false
	if known == unknown {
		switch g.p.Unknown {
		case ModeDeny:
			return nil, g.refuse(d, "no allow rule names "+hostPort(h.name, port)+" and unknown hosts are denied", nil)
		case ModeAllow:
			reason = "no allow rule names it; unknown hosts are allowed"
		default:
			if g.o.Ask == nil {
				return nil, g.refuse(d, "no allow rule names "+hostPort(h.name, port)+" and no one can approve it (the client cannot ask the user)", nil)
			}
			g.mu.Lock()
			ok, asked := g.answers[hostPort(h.name, port)]
			g.mu.Unlock()
			switch {
			case !asked:
				needAsk = true
			case ok:
				reason = "the user approved it earlier in this session"
			default:
				return nil, g.refuse(d, "the user declined it earlier in this session", nil)
			}
		}
	}
	if why, cause := g.admit(); why != "" {
		return nil, g.refuse(d, why, cause)
	}
	if needAsk {
		ok, err := g.ask(ctx, h.name, port)
		if err != nil {
			why := "the user could not be asked"
			if ctx.Err() != nil {
				why = "canceled while waiting for the user's answer"
			}
			return nil, g.refuseDetail(d, why, why+": "+err.Error(), err)
		}
		if !ok {
			d.Verdict, d.Reason = Declined, "the user declined"
			g.log(d)
			return nil, &DeniedError{Host: d.Host, Port: port, Reason: d.Reason}
		}
		verdict, reason = Approved, "the user approved"
	}

	addrs := []netip.Addr{h.addr}
	if !h.isAddr() {
		var derr *DialError
		if addrs, derr = g.resolve(ctx, h); derr != nil {
			return nil, g.fail(d, derr)
		}
		if ip, why, err := g.checkAddrs(h, port, addrs); why != "" {
			if verdict == Approved {
				why = "the user approved it, but " + why
			}
			d.IP = ip
			return nil, g.refuseAddr(d, why, err)
		}
	}
	c, ip, err := g.connect(ctx, addrs, port)
	if err != nil {
		return nil, g.fail(d, &DialError{Host: h.name, Port: port, Reason: dialReason(err), Err: err})
	}
	d.IP, d.Verdict, d.Reason = ip, verdict, reason
	wc := newConn(g, c, Decision{Host: d.Host, Port: port, IP: ip, CallID: callID})
	g.log(d)
	if !g.register(wc) {
		wc.end("session ended")
		wc.Close()
		return nil, &DeniedError{Host: d.Host, Port: port, Reason: "the session is closed", cause: ErrClosed}
	}
	return newInspected(wc, h), nil
}

// Close ends the session: it refuses new dials, withdraws pending
// questions, cancels dials in progress and closes every open connection
// (each logs its Closed decision). It is idempotent and always returns nil.
func (g *Gate) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	conns := make([]*conn, 0, len(g.conns))
	for c := range g.conns {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	g.cancel()
	for _, c := range conns {
		c.end("session ended")
		c.Close()
	}
	return nil
}

// refuse logs a Denied decision and returns the matching error.
func (g *Gate) refuse(d Decision, reason string, cause error) error {
	return g.refuseDetail(d, reason, reason, cause)
}

// refuseDetail is refuse with a log reason that may say more than the
// one shown to the model.
func (g *Gate) refuseDetail(d Decision, reason, logReason string, cause error) error {
	d.Verdict, d.Reason = Denied, logReason
	g.log(d)
	return &DeniedError{Host: d.Host, Port: d.Port, IP: d.IP, Reason: reason, cause: cause}
}

// refuseAddr refuses after an address check; err, if any, is why the
// check could not be made, and goes to the log only.
func (g *Gate) refuseAddr(d Decision, reason string, err error) error {
	if err == nil {
		return g.refuse(d, reason, nil)
	}
	return g.refuseDetail(d, reason, reason+": "+err.Error(), err)
}

// fail logs a Failed decision for de and returns it.
func (g *Gate) fail(d Decision, de *DialError) error {
	de.Port = d.Port
	d.Verdict, d.Reason = Failed, de.Reason+" ("+de.Err.Error()+")"
	g.log(d)
	return de
}

func (g *Gate) register(c *conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.conns[c] = struct{}{}
	return true
}

func (g *Gate) forget(c *conn) {
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
}

func (g *Gate) log(d Decision) {
	d.Time = g.now()
	if g.o.Log != nil {
		g.o.Log(d)
	}
}

func (g *Gate) now() time.Time { return g.o.Now() }
