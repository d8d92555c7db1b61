package egress

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParseRule(t *testing.T) {
	good := []struct {
		in   string
		want Rule
		str  string
	}{
		{"example.com", Rule{Host: "example.com"}, "example.com"},
		{" Example.COM. ", Rule{Host: "example.com"}, "example.com"},
		{"example.com:8443", Rule{Host: "example.com", Port: 8443}, "example.com:8443"},
		{"*.example.com", Rule{Host: "example.com", Wildcard: true}, "*.example.com"},
		{"*.Example.com.:443", Rule{Host: "example.com", Wildcard: true, Port: 443}, "*.example.com:443"},
		{"127.0.0.1", Rule{Host: "127.0.0.1", Addr: netip.MustParseAddr("127.0.0.1")}, "127.0.0.1"},
		{"127.0.0.1:8443", Rule{Host: "127.0.0.1", Addr: netip.MustParseAddr("127.0.0.1"), Port: 8443}, "127.0.0.1:8443"},
		{"::1", Rule{Host: "::1", Addr: netip.MustParseAddr("::1")}, "[::1]"},
		{"[::1]", Rule{Host: "::1", Addr: netip.MustParseAddr("::1")}, "[::1]"},
		{"[::1]:9000", Rule{Host: "::1", Addr: netip.MustParseAddr("::1"), Port: 9000}, "[::1]:9000"},
		{"::1:80", Rule{Host: "::1:80", Addr: netip.MustParseAddr("::1:80")}, "[::1:80]"},
		{"[::ffff:10.0.0.1]:22", Rule{Host: "10.0.0.1", Addr: netip.MustParseAddr("10.0.0.1"), Port: 22}, "10.0.0.1:22"},
	}
	for _, tc := range good {
		r, err := ParseRule(tc.in)
		if err != nil {
			t.Errorf("ParseRule(%q): %v", tc.in, err)
			continue
		}
		if r != tc.want || r.String() != tc.str {
			t.Errorf("ParseRule(%q) = %+v (%s), want %+v (%s)", tc.in, r, r, tc.want, tc.str)
		}
		if again, err := ParseRule(r.String()); err != nil || again != r {
			t.Errorf("ParseRule(%q) round trip = %+v, %v", r.String(), again, err)
		}
	}
	bad := []struct{ in, want string }{
		{"", "empty rule"},
		{"   ", "empty rule"},
		{"https://example.com", "not a URL"},
		{"example.com/path", "not a URL"},
		{"user@example.com", "not a URL"},
		{"example.com:", "empty port"},
		{"example.com:0", "bad port"},
		{"example.com:65536", "out of range"},
		{"example.com:http", "bad port"},
		{"example.com:80:80", "bad IPv6 address"},
		{"*", "wildcard must be a leading"},
		{"*example.com", "wildcard must be a leading"},
		{"a.*.example.com", "wildcard must be a leading"},
		{"*.*.example.com", "only one leading"},
		{"*.com", "single-label"},
		{"*.", "empty host"},
		{"*.127.0.0.1", "wildcards apply to host names"},
		{"*.[::1]", "bad IPv6 address"},
		{"localhost", "single-label"},
		{"127.1", "must start with a letter"},
		{"2130706433", "single-label"},
		{"::1:80:", "bad IPv6 address"},
		{"[::1]80", "unexpected"},
		{"[::1", "missing closing bracket"},
		{"[127.0.0.1]:80", "only an IPv6"},
		{"[fe80::1%eth0]", "zones"},
		{"exa_mple.com", "underscores"},
	}
	for _, tc := range bad {
		if r, err := ParseRule(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRule(%q) = %+v, %v; want error with %q", tc.in, r, err, tc.want)
		}
	}
}

func TestRuleMatchHost(t *testing.T) {
	tests := []struct {
		rule, host string
		want       bool
	}{
		{"example.com", "example.com", true},
		{"example.com", "EXAMPLE.com.", true},
		{"example.com", "www.example.com", false},
		{"example.com", "example.com.evil.net", false},
		{"example.com", "evil-example.com", false},
		{"*.example.com", "sub.example.com", true},
		{"*.example.com", "a.b.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "badexample.com", false},
		{"*.example.com", "sub.example.com.evil.net", false},
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.1", "[::ffff:127.0.0.1]", true},
		{"127.0.0.1", "127.0.0.2", false},
		{"[::1]", "::1", true},
		{"[::1]", "[0:0::1]", true},
		{"127.0.0.1", "[::1]", false},
		{"example.com", "93.184.215.14", false},
	}
	for _, tc := range tests {
		r, err := ParseRule(tc.rule)
		if err != nil {
			t.Fatal(err)
		}
		h, err := parseHost(tc.host)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.matchHost(h); got != tc.want {
			t.Errorf("rule %s matches %q = %v, want %v", tc.rule, tc.host, got, tc.want)
		}
	}
	if (Rule{}).matchHost(host{name: ""}) {
		t.Error("the zero Rule matches")
	}
}
