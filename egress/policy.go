package egress

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Mode says what happens to a destination no allow rule names.
type Mode string

// The modes.
const (
	// ModeAsk asks the user, once per host and port per session. It is
	// the default.
	ModeAsk Mode = "ask"
	// ModeDeny refuses the connection.
	ModeDeny Mode = "deny"
	// ModeAllow allows the connection (addresses are still checked).
	ModeAllow Mode = "allow"
)

// ParseMode parses "ask", "deny" or "allow", ignoring case and
// surrounding spaces.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeAsk, ModeDeny, ModeAllow:
		return m, nil
	}
	return "", fmt.Errorf("egress: unknown mode %s (want ask, deny or allow)", strconv.QuoteToASCII(s))
}

// Defaults for the zero fields of a Policy.
const (
	DefaultMaxBytes          = 256 << 20
	DefaultMaxConnTime       = 2 * time.Minute
	DefaultMaxDialsPerMinute = 120
)

// defaultPorts are the ports allowed when Policy.Ports is empty.
var defaultPorts = []int{80, 443}

// Policy is a session's egress policy. The zero Policy asks about every
// destination on ports 80 and 443, with the default limits.
type Policy struct {
	// Allow and Deny hold rules in the syntax of ParseRule. A destination
	// that matches a deny rule is refused even if an allow rule matches
	// it too. A deny rule without a port covers every port. An IP-literal
	// deny rule also refuses host names that resolve to its address.
	Allow []string
	Deny  []string
	// Ports are the ports allowed for allow rules without a port and for
	// destinations no allow rule names; empty means 80 and 443. A host an
	// allow rule names is refused on ports its rules do not cover, even
	// when Unknown would allow or ask.
	Ports []int
	// Unknown says what happens to a destination no allow rule names;
	// empty means ModeAsk.
	Unknown Mode
	// MaxBytes caps the bytes a session sends and receives, both
	// directions and all connections summed; 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxConnTime caps the life of each connection; 0 means
	// DefaultMaxConnTime.
	MaxConnTime time.Duration
	// MaxDialsPerMinute caps the connection attempts a session may make
	// in any 60-second window; 0 means DefaultMaxDialsPerMinute.
	MaxDialsPerMinute int
}

// Validate reports every problem with the policy, one per line.
func (p Policy) Validate() error {
	var errs []error
	for i, s := range p.Allow {
		if _, err := ParseRule(s); err != nil {
			errs = append(errs, fmt.Errorf("allow rule %d %s: %w", i+1, strconv.QuoteToASCII(s), err))
		}
	}
	for i, s := range p.Deny {
		if _, err := ParseRule(s); err != nil {
			errs = append(errs, fmt.Errorf("deny rule %d %s: %w", i+1, strconv.QuoteToASCII(s), err))
		}
	}
	for _, port := range p.Ports {
		if !validPort(port) {
			errs = append(errs, fmt.Errorf("port %d is out of range 1..65535", port))
		}
	}
	switch p.Unknown {
	case "", ModeAsk, ModeDeny, ModeAllow:
	default:
		errs = append(errs, fmt.Errorf("unknown-host mode %s is not ask, deny or allow (use ParseMode)", strconv.QuoteToASCII(string(p.Unknown))))
	}
	if p.MaxBytes < 0 {
		errs = append(errs, fmt.Errorf("byte limit %d is negative", p.MaxBytes))
	}
	if p.MaxConnTime < 0 {
		errs = append(errs, fmt.Errorf("connection time limit %s is negative", p.MaxConnTime))
	}
	if p.MaxDialsPerMinute < 0 {
		errs = append(errs, fmt.Errorf("connection rate limit %d is negative", p.MaxDialsPerMinute))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("egress: invalid policy:\n%w", err)
	}
	return nil
}

// withDefaults returns p with its zero fields set to the defaults.
func (p Policy) withDefaults() Policy {
	if len(p.Ports) == 0 {
		p.Ports = defaultPorts
	}
	p.Ports = slices.Clone(p.Ports)
	p.Allow, p.Deny = slices.Clone(p.Allow), slices.Clone(p.Deny)
	if p.Unknown == "" {
		p.Unknown = ModeAsk
	}
	if p.MaxBytes == 0 {
		p.MaxBytes = DefaultMaxBytes
	}
	if p.MaxConnTime == 0 {
		p.MaxConnTime = DefaultMaxConnTime
	}
	if p.MaxDialsPerMinute == 0 {
		p.MaxDialsPerMinute = DefaultMaxDialsPerMinute
	}
	return p
}

// String summarises the policy as it takes effect (defaults filled in,
// rules in canonical form), for "airlock policy show". Invalid rules are
// shown quoted and marked.
func (p Policy) String() string {
	p = p.withDefaults()
	var b strings.Builder
	switch p.Unknown {
	case ModeAsk:
		b.WriteString("unknown hosts: ask (the user is asked once per host and port per session)\n")
	case ModeDeny:
		b.WriteString("unknown hosts: deny\n")
	case ModeAllow:
		b.WriteString("unknown hosts: allow (private and local addresses are still refused)\n")
	default:
		fmt.Fprintf(&b, "unknown hosts: %s (invalid)\n", strconv.QuoteToASCII(string(p.Unknown)))
	}
	fmt.Fprintf(&b, "allow: %s\n", rulesString(p.Allow))
	fmt.Fprintf(&b, "deny: %s\n", rulesString(p.Deny))
	ports := make([]string, len(p.Ports))
	for i, port := range p.Ports {
		ports[i] = strconv.Itoa(port)
	}
	fmt.Fprintf(&b, "ports: %s (for rules without a port and for unknown hosts)\n", strings.Join(ports, ", "))
	fmt.Fprintf(&b, "limits: %s per session, %s per connection, %d connections per minute\n",
		byteSize(p.MaxBytes), p.MaxConnTime, p.MaxDialsPerMinute)
	return b.String()
}

func rulesString(rules []string) string {
	if len(rules) == 0 {
		return "none"
	}
	out := make([]string, len(rules))
	for i, s := range rules {
		if r, err := ParseRule(s); err == nil {
			out[i] = r.String()
		} else {
			out[i] = strconv.QuoteToASCII(s) + " (invalid)"
		}
	}
	return strings.Join(out, ", ")
}

// byteSize renders n in the largest binary unit that divides it exactly.
func byteSize(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
