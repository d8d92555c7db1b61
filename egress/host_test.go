package egress

import (
	"strings"
	"testing"
)

func TestParseHost(t *testing.T) {
	good := []struct{ in, name, addr string }{
		{"example.com", "example.com", ""},
		{"Example.COM.", "example.com", ""},
		{"a-b.c-d.example", "a-b.c-d.example", ""},
		{"xn--80ak6aa92e.com", "xn--80ak6aa92e.com", ""},
		{"1password.com", "1password.com", ""},
		{"a.b.c.d.e.f.example.org", "a.b.c.d.e.f.example.org", ""},
		{strings.Repeat("a", 63) + ".com", strings.Repeat("a", 63) + ".com", ""},
		{strings.Repeat("a.", 126) + "c", strings.Repeat("a.", 126) + "c", ""},  // 253
		{strings.Repeat("a.", 126) + "c.", strings.Repeat("a.", 126) + "c", ""}, // 253 and a dot
		{"93.184.215.14", "93.184.215.14", "93.184.215.14"},
		{"127.0.0.1", "127.0.0.1", "127.0.0.1"},
		{"::1", "::1", "::1"},
		{"[::1]", "::1", "::1"},
		{"[2606:4700:0::6810:85E5]", "2606:4700::6810:85e5", "2606:4700::6810:85e5"},
		{"[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "::ffff:127.0.0.1"},
	}
	for _, tc := range good {
		h, err := parseHost(tc.in)
		if err != nil {
			t.Errorf("parseHost(%q): %v", tc.in, err)
			continue
		}
		if h.name != tc.name || (tc.addr == "") == h.isAddr() || (tc.addr != "" && h.addr.String() != tc.addr) {
			t.Errorf("parseHost(%q) = %+v, want %s %s", tc.in, h, tc.name, tc.addr)
		}
	}
	bad := []struct{ in, want string }{
		{"", "empty host"},
		{".", "empty host name"},
		{"..", "empty label"},
		{"a..com", "empty label"},
		{".example.com", "empty label"},
		{"example.com..", "empty label"},
		{"-a.com", "hyphen"},
		{"a-.com", "hyphen"},
		{"a.-com", "hyphen"},
		{strings.Repeat("a", 64) + ".com", "label longer than 63"},
		{strings.Repeat("a.", 127) + "c", "longer than 253"},
		{strings.Repeat("a", 300), "longer than 253"},
		{"localhost", "single-label"},
		{"LOCALHOST.", "single-label"},
		{"com", "single-label"},
		{"127.1", "must start with a letter"},
		{"127.0.1", "must start with a letter"},
		{"127.0.0.1.", "must start with a letter"},
		{"2130706433", "single-label"},
		{"0x7f000001", "single-label"},
		{"0x7f.1", "must start with a letter"},
		{"017700000001", "single-label"},
		{"0177.0.0.1", "must start with a letter"},
		{"010.0.0.1", "must start with a letter"},
		{"1.2.3.04", "must start with a letter"},
		{"example.123", "must start with a letter"},
		{"exa_mple.com", "underscores"},
		{"_dmarc.example.com", "underscores"},
		{"\u212Aexample.com", "ASCII"}, // KELVIN SIGN lowercases to "k"
		{"ex\u00e4mple.com", "ASCII"},
		{"example.com\x00.evil.net", "not allowed"},
		{"ex ample.com", "not allowed"},
		{"example.com/path", "not allowed"},
		{"user@example.com", "not allowed"},
		{"*.example.com", "wildcards"},
		{"example.com:443", "bad IP address"},
		{"[::1", "missing closing bracket"},
		{"[127.0.0.1]", "only an IPv6"},
		{"[::ffff:127.0.0.1%lo]", "zones"},
		{"fe80::1%eth0", "zones"},
		{"[example.com]", "bad IP address"},
		{"[[::1]]", "bad IP address"},
		{"::1::", "bad IP address"},
		{"1.2.3.4:80", "bad IP address"},
	}
	for _, tc := range bad {
		if h, err := parseHost(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseHost(%q) = %+v, %v; want error with %q", tc.in, h, err, tc.want)
		}
	}
}

func TestParsePort(t *testing.T) {
	for s, want := range map[string]int{"1": 1, "80": 80, "65535": 65535} {
		if got, err := parsePort(s); got != want || err != nil {
			t.Errorf("parsePort(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "0", "080", "+80", "-1", "65536", "99999", "123456", "8o", " 80", "0x50"} {
		if got, err := parsePort(s); err == nil {
			t.Errorf("parsePort(%q) = %d, want an error", s, got)
		}
	}
}
