package egress

import (
	"fmt"
	"net/netip"
)

// The MCP layer cannot ask the user in the middle of a tool call; it asks
// before the call runs (an input request the client answers and retries
// with). Check, Answer and Refuse serve that flow. Dial still checks
// everything again when the guest connects.

// Check decides, before any connection, what the policy and the user's
// earlier answers say about host:port: it validates the host, applies the
// deny and allow rules and ports, checks an IP literal's address, and
// applies the unknown-host mode. needAsk is true when the policy says ask
// and the user has not answered for this host and port in this session.
// A refusal is logged (Denied) and returned as a *DeniedError. Check
// neither resolves nor dials, and logs nothing when it allows or asks.
func (g *Gate) Check(rawHost string, port int) (needAsk bool, err error) {
	d := Decision{Port: port}
	h, err := parseHost(rawHost)
	if err != nil {
		d.Host = displayHost(rawHost)
		return false, g.refuse(d, "invalid host: "+err.Error(), nil)
	}
	d.Host = h.name
	if !validPort(port) {
		return false, g.refuse(d, fmt.Sprintf("invalid port %d (want 1..65535)", port), nil)
	}
	if g.ctx.Err() != nil {
		return false, g.refuse(d, "the session is closed", ErrClosed)
	}
	known, reason := g.match(h, port)
	if known == refused {
		return false, g.refuse(d, reason, nil)
	}
	if h.isAddr() {
		if ip, why, err := g.checkAddrs(h, port, []netip.Addr{h.addr}); why != "" {
			d.IP = ip
			return false, g.refuseAddr(d, why, err)
		}
	}
	if known != unknown {
		return false, nil
	}
	switch g.p.Unknown {
	case ModeDeny:
		return false, g.refuse(d, "no allow rule names "+hostPort(h.name, port)+" and unknown hosts are denied", nil)
	case ModeAllow:
		return false, nil
	}
	g.mu.Lock()
	ok, asked := g.answers[hostPort(h.name, port)]
	g.mu.Unlock()
	switch {
	case !asked:
		return true, nil
	case ok:
		return false, nil
	}
	return false, g.refuse(d, "the user declined it earlier in this session", nil)
}

// Answer records the user's answer about host:port for the rest of the
// session and logs it (Approved or Declined). An invalid host or port is
// ignored.
func (g *Gate) Answer(rawHost string, port int, ok bool) {
	h, err := parseHost(rawHost)
	if err != nil || !validPort(port) {
		return
	}
	g.mu.Lock()
	g.answers[hostPort(h.name, port)] = ok
	g.mu.Unlock()
	d := Decision{Host: h.name, Port: port, Verdict: Declined, Reason: "the user declined"}
	if ok {
		d.Verdict, d.Reason = Approved, "the user approved it for this session"
	}
	g.log(d)
}

// Refuse logs a Denied decision for host:port: the caller refused before
// any connection (for example, the user could not be asked).
func (g *Gate) Refuse(rawHost string, port int, reason string) {
	d := Decision{Host: displayHost(rawHost), Port: port}
	if h, err := parseHost(rawHost); err == nil {
		d.Host = h.name
	}
	_ = g.refuse(d, reason, nil)
}
