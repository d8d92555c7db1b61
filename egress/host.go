package egress

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// host is a validated destination host: a DNS name or an IP literal.
type host struct {
	// name is the canonical spelling: a lowercase DNS name without a
	// trailing dot, or addr.String() for IP literals.
	name string
	// addr is the address of an IP literal, as given (an IPv4-mapped
	// literal stays mapped so logs show what was asked for); zero for names.
	addr netip.Addr
}

func (h host) isAddr() bool { return h.addr.IsValid() }

// Limits of a DNS name (RFC 1035 section 2.3.4), counted without the
// trailing dot.
const (
	maxNameLen  = 253
	maxLabelLen = 63
)

// parseHost validates and canonicalises a destination host. It accepts an
// IP literal (IPv4 in dotted-decimal form, IPv6 with or without brackets,
// no zone) or a DNS name made of at least two LDH labels (ASCII letters,
// digits and inner hyphens) whose last label starts with a letter. One
// trailing dot is dropped and letters are lowercased.
//
// The rules are stricter than net's and meant to leave no room for a
// parser differential:
//
//   - Legacy numeric forms of IPv4 addresses ("127.1", "2130706433",
//     "0x7f000001", "017700000001") are refused: netip.ParseAddr rejects
//     them, and as names their last label does not start with a letter
//     (every real top-level domain does).
//   - Single-label names ("localhost", "intranet") are refused: they exist
//     only in the host's local namespace (hosts file, search domains,
//     mDNS), never on the internet.
//   - Underscores are refused. They appear in service labels (SRV, TXT,
//     DKIM), not in the names of hosts one connects to (RFC 952, RFC 1123),
//     and accepting them would only widen what a rule can be made to match.
//   - Non-ASCII is refused before any case mapping, so "\u212A" (KELVIN
//     SIGN, which strings.ToLower maps to "k") cannot smuggle a name past a
//     rule. Internationalised names must be given in punycode ("xn--...").
func parseHost(s string) (host, error) {
	if s == "" {
		return host{}, errors.New("empty host")
	}
	if len(s) > maxNameLen+2 {
		return host{}, fmt.Errorf("host is longer than %d characters", maxNameLen)
	}
	if s[0] == '[' {
		if s[len(s)-1] != ']' {
			return host{}, errors.New("missing closing bracket")
		}
		a, err := parseAddr(s[1 : len(s)-1])
		if err != nil {
			return host{}, err
		}
		if !a.Is6() {
			return host{}, errors.New("brackets may hold only an IPv6 address")
		}
		return host{name: a.String(), addr: a}, nil
	}
	if strings.Contains(s, ":") {
		a, err := parseAddr(s)
		if err != nil {
			return host{}, err
		}
		return host{name: a.String(), addr: a}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return host{name: a.String(), addr: a}, nil
	}
	name, err := parseName(s)
	if err != nil {
		return host{}, err
	}
	return host{name: name}, nil
}

// parseAddr parses an IP address without a zone.
func parseAddr(s string) (netip.Addr, error) {
	if strings.Contains(s, "%") {
		return netip.Addr{}, errors.New("IPv6 zones are not allowed")
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("bad IP address %s", strconv.QuoteToASCII(s))
	}
	return a, nil
}

// parseName validates a DNS name as described at parseHost and returns
// its canonical form.
func parseName(s string) (string, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && !isDigit(c) && c != '-' && c != '.' {
			switch {
			case c == '_':
				return "", errors.New("underscores are not allowed in host names")
			case c == '*':
				return "", errors.New("wildcards are allowed only in rules")
			case c >= 0x80:
				return "", errors.New("host names must be ASCII (use punycode for international names)")
			default:
				return "", fmt.Errorf("character %s is not allowed in host names", strconv.QuoteRuneToASCII(rune(c)))
			}
		}
	}
	name := strings.ToLower(strings.TrimSuffix(s, "."))
	if name == "" {
		return "", errors.New("empty host name")
	}
	if len(name) > maxNameLen {
		return "", fmt.Errorf("host name is longer than %d characters", maxNameLen)
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		switch {
		case l == "":
			return "", errors.New("empty label in host name")
		case len(l) > maxLabelLen:
			return "", fmt.Errorf("label longer than %d characters in host name", maxLabelLen)
		case l[0] == '-' || l[len(l)-1] == '-':
			return "", errors.New("label starts or ends with a hyphen in host name")
		}
	}
	if len(labels) < 2 {
		return "", errors.New("single-label host names are not allowed (use a fully qualified name)")
	}
	if !isLetter(labels[len(labels)-1][0]) {
		return "", errors.New("the last label of a host name must start with a letter (numeric IPv4 forms are refused)")
	}
	return name, nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// parsePort parses a decimal port 1..65535 without sign or leading zeros.
func parsePort(s string) (int, error) {
	if s == "" {
		return 0, errors.New("empty port")
	}
	if len(s) > 5 || s[0] == '0' {
		return 0, fmt.Errorf("bad port %s", strconv.QuoteToASCII(s))
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, fmt.Errorf("bad port %s", strconv.QuoteToASCII(s))
		}
		n = n*10 + int(s[i]-'0')
	}
	if n > 65535 {
		return 0, fmt.Errorf("port %d is out of range 1..65535", n)
	}
	return n, nil
}

// validPort reports whether p is a TCP port one may connect to.
func validPort(p int) bool { return 1 <= p && p <= 65535 }

// displayHost renders a host the guest asked for, which may be invalid,
// so that it is safe to put in a log line or in front of a model: quoted,
// escaped to ASCII, and cut to a bounded length.
func displayHost(s string) string {
	const max = 100
	if len(s) > max {
		return strconv.QuoteToASCII(s[:max]) + "..."
	}
	return strconv.QuoteToASCII(s)
}
