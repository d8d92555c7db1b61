package egress

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"example.com", "Example.COM.", "*.example.com", "*.example.com:443", "sub.example.com:8443",
	"127.0.0.1", "127.0.0.1:8443", "[::1]", "[::1]:9000", "::1", "[::ffff:127.0.0.1]", "::ffff:7f00:1",
	"127.1", "2130706433", "0x7f000001", "017700000001", "0x7f.1", "localhost.", "LOCALHOST",
	"[fe80::1%eth0]", "exa_mple.com", "\u212Aexample.com", "example.com@evil.net", "https://example.com/",
	"a..b", "-a.com", "xn--80ak6aa92e.com", "64:ff9b::7f00:1", "*.", "*", "[::1]x", "a.b.c.d:65535",
}

// FuzzParseHost checks that accepted hosts are canonical and can never be
// read as an IPv4 address by a lenient (inet_aton) parser.
func FuzzParseHost(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseHost(s)
		if err != nil {
			return
		}
		again, err := parseHost(h.name)
		if err != nil || again != h {
			t.Fatalf("parseHost(%q) = %+v, but its name re-parses as %+v, %v", s, h, again, err)
		}
		if h.isAddr() {
			if h.addr.Zone() != "" || h.name != h.addr.String() {
				t.Fatalf("parseHost(%q) = %+v", s, h)
			}
			return
		}
		if len(h.name) > maxNameLen || strings.Trim(h.name, "abcdefghijklmnopqrstuvwxyz0123456789-.") != "" {
			t.Fatalf("parseHost(%q) = %q, not a canonical name", s, h.name)
		}
		if _, err := netip.ParseAddr(h.name); err == nil {
			t.Fatalf("parseHost(%q) = name %q that is an address", s, h.name)
		}
		if looseIPv4(h.name) {
			t.Fatalf("parseHost(%q) = name %q that inet_aton reads as an address", s, h.name)
		}
	})
}

// FuzzParseRule checks that accepted rules are canonical and round-trip.
func FuzzParseRule(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			return
		}
		again, err := ParseRule(r.String())
		if err != nil || again != r {
			t.Fatalf("ParseRule(%q) = %+v; its String %q re-parses as %+v, %v", s, r, r.String(), again, err)
		}
		if r.Host == "" || r.Port < 0 || r.Port > 65535 {
			t.Fatalf("ParseRule(%q) = %+v", s, r)
		}
		if r.Addr.IsValid() {
			if r.Wildcard || r.Addr.Is4In6() || r.Host != r.Addr.String() {
				t.Fatalf("ParseRule(%q) = %+v", s, r)
			}
		}
		h, err := parseHost(r.Host)
		if err != nil {
			t.Fatalf("ParseRule(%q) host %q does not parse: %v", s, r.Host, err)
		}
		if r.matchHost(h) == r.Wildcard {
			t.Fatalf("ParseRule(%q) = %+v; matchHost(its own host) = %v", s, r, !r.Wildcard)
		}
		if r.Wildcard && !r.matchHost(host{name: "x." + r.Host}) {
			t.Fatalf("ParseRule(%q) = %+v does not match a subdomain", s, r)
		}
	})
}

// looseIPv4 reports whether inet_aton would accept s: one to four parts,
// each a decimal, octal (leading 0) or hex (0x) number.
func looseIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 0, 32); err != nil {
			return false
		}
	}
	return true
}
