package egress

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Rule is one parsed allow or deny rule. The zero Rule matches nothing.
type Rule struct {
	// Host is the canonical host: a lowercase DNS name without a trailing
	// dot (for a wildcard, the part after "*."), or Addr.String().
	Host string
	// Wildcard makes the rule match the subdomains of Host at any depth,
	// but not Host itself.
	Wildcard bool
	// Addr is the address of an IP-literal rule, IPv4-mapped IPv6
	// addresses unmapped to IPv4; zero for name rules.
	Addr netip.Addr
	// Port is the one port the rule covers, or 0. In an allow rule, 0
	// means the policy's Ports; in a deny rule, every port.
	Port int
}

// ParseRule parses a rule: an exact host name ("example.com"), a
// wildcard ("*.example.com", the subdomains only, not the apex), or an IP
// literal ("127.0.0.1", "::1", "[::1]"), each optionally followed by
// ":port" (an IPv6 literal needs brackets to take a port). Surrounding
// spaces are ignored; host names are validated as for Gate.Dial and
// lowercased, and one trailing dot is dropped. Errors say what is wrong
// with the input.
func ParseRule(s string) (Rule, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Rule{}, errors.New("empty rule")
	}
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/@?#") {
		return Rule{}, errors.New("a rule is a host name or an IP address with an optional :port, not a URL")
	}
	hostPart, portPart, hasPort, err := splitRule(s)
	if err != nil {
		return Rule{}, err
	}
	var r Rule
	if hasPort {
		if r.Port, err = parsePort(portPart); err != nil {
			return Rule{}, err
		}
	}
	if rest, ok := strings.CutPrefix(hostPart, "*."); ok {
		if strings.Contains(rest, "*") {
			return Rule{}, errors.New(`only one leading "*." wildcard is allowed`)
		}
		h, err := parseHost(rest)
		if err != nil {
			return Rule{}, err
		}
		if h.isAddr() {
			return Rule{}, errors.New("wildcards apply to host names, not IP addresses")
		}
		r.Host, r.Wildcard = h.name, true
		return r, nil
	}
	if strings.Contains(hostPart, "*") {
		return Rule{}, errors.New(`a wildcard must be a leading "*." followed by a domain, as in "*.example.com"`)
	}
	h, err := parseHost(hostPart)
	if err != nil {
		return Rule{}, err
	}
	if h.isAddr() {
		r.Addr = h.addr.Unmap()
		r.Host = r.Addr.String()
		return r, nil
	}
	r.Host = h.name
	return r, nil
}

// splitRule splits a rule into its host and port parts.
func splitRule(s string) (hostPart, portPart string, hasPort bool, err error) {
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false, errors.New("missing closing bracket")
		}
		hostPart, rest := s[:end+1], s[end+1:]
		if rest == "" {
			return hostPart, "", false, nil
		}
		if rest[0] != ':' {
			return "", "", false, fmt.Errorf("unexpected %s after the bracketed address", strconv.QuoteToASCII(rest))
		}
		return hostPart, rest[1:], true, nil
	}
	switch strings.Count(s, ":") {
	case 0:
		return s, "", false, nil
	case 1:
		h, p, _ := strings.Cut(s, ":")
		return h, p, true, nil
	default:
		// An unbracketed IPv6 literal takes no port: "::1:80" is an address.
		if _, err := netip.ParseAddr(s); err != nil {
			return "", "", false, fmt.Errorf("bad IPv6 address %s (write an address with a port as [::1]:443)", strconv.QuoteToASCII(s))
		}
		return s, "", false, nil
	}
}

// String returns the rule in the syntax ParseRule accepts; IPv6 literals
// are always bracketed.
func (r Rule) String() string {
	h := r.Host
	switch {
	case r.Wildcard:
		h = "*." + h
	case r.Addr.Is6():
		h = "[" + h + "]"
	}
	if r.Port != 0 {
		return h + ":" + strconv.Itoa(r.Port)
	}
	return h
}

// matchHost reports whether the rule names h, ignoring ports. IP rules
// match IP literals (compared unmapped), name rules match names.
func (r Rule) matchHost(h host) bool {
	if r.Host == "" {
		return false
	}
	if r.Addr.IsValid() || h.isAddr() {
		return r.Addr.IsValid() && h.isAddr() && r.Addr == h.addr.Unmap()
	}
	if r.Wildcard {
		return strings.HasSuffix(h.name, "."+r.Host)
	}
	return h.name == r.Host
}

// allowsPort reports whether an allow rule covers port.
func (r Rule) allowsPort(port int, ports []int) bool {
	if r.Port != 0 {
		return port == r.Port
	}
	return slices.Contains(ports, port)
}

// deniesPort reports whether a deny rule covers port.
func (r Rule) deniesPort(port int) bool { return r.Port == 0 || r.Port == port }

// namesAddr reports whether r is an IP-literal rule for exactly a.
func (r Rule) namesAddr(a netip.Addr) bool {
	return r.Addr.IsValid() && r.Addr == a.Unmap().WithZone("")
}

// hostPort joins a host and a port for messages ("[::1]:443").
func hostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}
