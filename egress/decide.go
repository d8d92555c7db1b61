package egress

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// matchResult is what the rules and ports say about a destination.
type matchResult int

const (
	allowed matchResult = iota
	refused
	unknown
)

// match applies the rules and the port list to a destination.
func (g *Gate) match(h host, port int) (matchResult, string) {
	for _, r := range g.deny {
		if r.matchHost(h) && r.deniesPort(port) {
			return refused, "denied by rule " + r.String()
		}
	}
	named := false
	for _, r := range g.allow {
		if r.matchHost(h) {
			if r.allowsPort(port, g.p.Ports) {
				return allowed, "allowed by rule " + r.String()
			}
			named = true
		}
	}
	if named {
		return refused, fmt.Sprintf("no allow rule for %s covers port %d", h.name, port)
	}
	if !slices.Contains(g.p.Ports, port) {
		return refused, fmt.Sprintf("port %d is not allowed (allowed ports: %s)", port, portList(g.p.Ports))
	}
	return unknown, ""
}

// checkAddrs checks the addresses h resolved to (or its own address) and
// returns the first refused one and why.
func (g *Gate) checkAddrs(h host, port int, addrs []netip.Addr) (netip.Addr, string, error) {
	local, err := g.o.LocalAddrs()
	if err != nil {
		return netip.Addr{}, "cannot list this host's own addresses to check the destination against", err
	}
	for _, a := range addrs {
		why := g.blocked(a, port, local)
		switch {
		case why == "":
			continue
		case h.isAddr():
			return a, fmt.Sprintf("address %s is refused: %s", a, why), nil
		case len(addrs) > 1:
			return a, fmt.Sprintf("%s resolves to %s, which is refused: %s (the whole answer of %d addresses is refused)", h.name, a, why, len(addrs)), nil
		default:
			return a, fmt.Sprintf("%s resolves to %s, which is refused: %s", h.name, a, why), nil
		}
	}
	return netip.Addr{}, "", nil
}

// blocked returns why a must not be dialled on port, or "".
func (g *Gate) blocked(a netip.Addr, port int, local []netip.Addr) string {
	for _, r := range g.deny {
		if r.namesAddr(a) && r.deniesPort(port) {
			return "denied by rule " + r.String()
		}
	}
	for _, r := range g.allow {
		// The exception is for the address exactly as the rule spells
		// it: a rule for 127.0.0.1 does not open ::ffff:127.0.0.1, a
		// spelling used to slip past filters.
		if r.Addr.IsValid() && r.Addr == a.WithZone("") && r.allowsPort(port, g.p.Ports) {
			return "" // the user named this exact address
		}
	}
	if why := classify(a); why != "" {
		return why
	}
	u := a.Unmap().WithZone("")
	for _, l := range local {
		if l.Unmap().WithZone("") == u {
			return "an address of this host"
		}
	}
	return ""
}

// admit applies the byte and rate caps to a new attempt.
func (g *Gate) admit() (string, error) {
	if g.budget.spent() {
		return fmt.Sprintf("the session's byte limit (%s) is spent", byteSize(g.p.MaxBytes)), ErrByteLimit
	}
	now := g.now()
	g.mu.Lock()
	ok := g.rate.admit(now)
	g.mu.Unlock()
	if !ok {
		return fmt.Sprintf("rate limit: more than %d connections in the last minute", g.p.MaxDialsPerMinute), ErrRateLimit
	}
	return "", nil
}

func portList(ports []int) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ", ")
}
