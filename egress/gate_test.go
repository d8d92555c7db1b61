package egress

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// wantDenied checks that err is a *DeniedError whose reason contains
// want, and that the last decision logged is a matching Denied.
func wantDenied(t *testing.T, e *env, err error, want string) *DeniedError {
	t.Helper()
	var de *DeniedError
	if !errors.As(err, &de) || !errors.Is(err, ErrDenied) {
		t.Fatalf("err = %v, want a *DeniedError", err)
	}
	if !strings.Contains(de.Reason, want) {
		t.Errorf("reason %q does not contain %q", de.Reason, want)
	}
	ds := e.rec.All()
	if len(ds) == 0 {
		t.Fatal("nothing logged")
	}
	last := ds[len(ds)-1]
	if last.Verdict != Denied || !strings.Contains(last.Reason, want) || last.IP != de.IP || last.Host != de.Host || last.Port != de.Port {
		t.Errorf("last decision %+v does not match error %+v", last, de)
	}
	return de
}

func mustDial(t *testing.T, e *env, host string, port int) net.Conn {
	t.Helper()
	c, err := e.g.Dial(context.Background(), "call-1", host, port)
	if err != nil {
		t.Fatalf("Dial(%q, %d): %v", host, port, err)
	}
	return c
}

var blockedAddrs = []struct {
	addr, want string
}{
	{"127.0.0.1", "loopback"},
	{"127.255.255.254", "loopback"},
	{"81.2.69.160", "an address of this host"},
	{"2a02:1234::20", "an address of this host"},
	{"192.168.1.20", "private network"},
	{"169.254.169.254", "cloud metadata service"},
	{"169.254.170.2", "AWS ECS"},
	{"168.63.129.16", "Azure WireServer"},
	{"100.100.100.200", "Alibaba"},
	{"192.0.0.192", "Oracle"},
	{"fd00:ec2::254", "AWS IPv6"},
	{"10.0.0.1", "private network (10.0.0.0/8"},
	{"172.31.255.255", "private network (172.16.0.0/12"},
	{"192.168.0.1", "private network (192.168.0.0/16"},
	{"::1", "loopback (::1)"},
	{"::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1: loopback"},
	{"::ffff:10.1.1.1", "IPv4-mapped 10.1.1.1: private"},
	{"0.0.0.0", "unspecified"},
	{"0.1.2.3", "unspecified"},
	{"::", "unspecified"},
	{"100.64.1.2", "carrier-grade NAT"},
	{"100.127.255.255", "carrier-grade NAT"},
	{"fd00::1", "unique local"},
	{"fc00::1", "unique local"},
	{"fe80::1", "link-local (fe80::/10)"},
	{"169.254.1.1", "link-local (169.254.0.0/16"},
	{"fec0::1", "site-local"},
	{"64:ff9b::7f00:1", "NAT64 embedding of 127.0.0.1: loopback"},
	{"64:ff9b::a9fe:a9fe", "NAT64 embedding of 169.254.169.254: cloud metadata"},
	{"64:ff9b:1::a00:1", "local-use NAT64"},
	{"2002:7f00:1::", "6to4 embedding of 127.0.0.1: loopback"},
	{"2002:c0a8:101::1", "6to4 embedding of 192.168.1.1: private"},
	{"::7f00:1", "IPv4-compatible embedding of 127.0.0.1"},
	{"::808:808", "IPv4-compatible address"},
	{"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"},
	{"224.0.0.251", "multicast"},
	{"ff02::1", "multicast"},
	{"255.255.255.255", "broadcast"},
	{"240.0.0.1", "reserved (240.0.0.0/4"},
	{"4000::1", "reserved (outside the global unicast range"},
	{"198.18.0.1", "benchmarking"},
	{"192.0.2.1", "documentation"},
	{"203.0.113.9", "documentation"},
	{"2001:db8::1", "documentation"},
	{"192.0.0.8", "IETF protocol assignments"},
}

// TestDialBlockedAddresses checks every special address both as an IP
// literal and as the answer for a name, with unknown hosts allowed.
func TestDialBlockedAddresses(t *testing.T) {
	for _, tc := range blockedAddrs {
		a := netip.MustParseAddr(tc.addr)
		literal := tc.addr
		if a.Is6() {
			literal = "[" + tc.addr + "]"
		}
		t.Run("literal "+tc.addr, func(t *testing.T) {
			e := newEnv(t, Policy{Unknown: ModeAllow})
			_, err := e.g.Dial(context.Background(), "c", literal, 443)
			de := wantDenied(t, e, err, tc.want)
			if de.IP != a {
				t.Errorf("IP = %v, want %v", de.IP, a)
			}
			if !strings.Contains(err.Error(), tc.addr) {
				t.Errorf("error %q does not name the address", err)
			}
			if n := len(e.dial.Dialed()) + len(e.res.Calls()); n != 0 {
				t.Errorf("resolver or dialer called %d times", n)
			}
		})
		t.Run("name "+tc.addr, func(t *testing.T) {
			e := newEnv(t, Policy{Unknown: ModeAllow})
			e.answer("sneaky.example.com", []netip.Addr{a})
			_, err := e.g.Dial(context.Background(), "c", "sneaky.example.com", 443)
			de := wantDenied(t, e, err, tc.want)
			if de.IP != a || !strings.Contains(de.Reason, "sneaky.example.com resolves to "+tc.addr) {
				t.Errorf("denied %+v", de)
			}
			if d := e.dial.Dialed(); len(d) != 0 {
				t.Errorf("dialed %v", d)
			}
		})
	}
}

// TestDialExactAddressRule checks that an IP-literal allow rule opens
// exactly that address on the ports it covers, and nothing else.
func TestDialExactAddressRule(t *testing.T) {
	p := Policy{
		Allow:   []string{"127.0.0.1:8443", "[::1]:9000", "10.1.2.3", "dev.example.com:8443", "evil.example.net:8444"},
		Unknown: ModeDeny,
	}
	tests := []struct {
		host   string
		port   int
		dialed string // "" for denied
		want   string // reason substring when denied
	}{
		{"127.0.0.1", 8443, "127.0.0.1:8443", ""},
		// The mapped spelling is not the address the rule names.
		{"[::ffff:127.0.0.1]", 8443, "", "IPv4-mapped 127.0.0.1: loopback"},
		{"127.0.0.1", 8444, "", "no allow rule for 127.0.0.1 covers port 8444"},
		{"127.0.0.2", 8443, "", "port 8443 is not allowed"},
		{"127.0.0.2", 443, "", "address 127.0.0.2 is refused: loopback"},
		{"93.184.215.14", 443, "", "unknown hosts are denied"},
		{"[::1]", 9000, "[::1]:9000", ""},
		{"::1", 9000, "[::1]:9000", ""},
		{"[::1]", 8443, "", "no allow rule for ::1 covers port 8443"},
		{"10.1.2.3", 443, "10.1.2.3:443", ""},
		{"10.1.2.3", 22, "", "covers port 22"},
		// A name resolving to the exact address and port is allowed too:
		// it reaches nothing the guest could not reach directly.
		{"dev.example.com", 8443, "127.0.0.1:8443", ""},
		// The rule covers 127.0.0.1:8443, not 127.0.0.1:8444.
		{"evil.example.net", 8444, "", "evil.example.net resolves to 127.0.0.1, which is refused: loopback"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s:%d", tc.host, tc.port), func(t *testing.T) {
			e := newEnv(t, p)
			e.answer("dev.example.com", addrs("127.0.0.1"))
			e.answer("evil.example.net", addrs("127.0.0.1"))
			c, err := e.g.Dial(context.Background(), "c", tc.host, tc.port)
			if tc.dialed == "" {
				wantDenied(t, e, err, tc.want)
				if d := e.dial.Dialed(); len(d) != 0 {
					t.Errorf("dialed %v", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if d := e.dial.Dialed(); !slices.Equal(d, []string{tc.dialed}) {
				t.Errorf("dialed %v, want %v", d, tc.dialed)
			}
			if v := e.rec.Verdicts(); !slices.Equal(v, []Verdict{Allowed}) {
				t.Errorf("verdicts %v", v)
			}
		})
	}
}

// TestDialMixedAnswer: one bad address in an answer refuses the name.
func TestDialMixedAnswer(t *testing.T) {
	for _, answer := range [][]netip.Addr{
		{pub4, netip.MustParseAddr("10.0.0.7")},
		{netip.MustParseAddr("10.0.0.7"), pub4},
		{pub6, pub4, netip.MustParseAddr("::ffff:169.254.169.254")},
		{pub6, netip.MustParseAddr("fe80::1%eth0")},
	} {
		t.Run(fmt.Sprint(answer), func(t *testing.T) {
			e := newEnv(t, Policy{Unknown: ModeAllow})
			e.answer("mixed.example.com", answer)
			_, err := e.g.Dial(context.Background(), "c", "mixed.example.com", 443)
			wantDenied(t, e, err, "the whole answer")
			if d := e.dial.Dialed(); len(d) != 0 {
				t.Errorf("dialed %v", d)
			}
		})
	}
}
func TestDialInvalidHost(t *testing.T) {
	tests := []struct{ host, logged, want string }{
		{"", `""`, "empty host"},
		{"127.1", `"127.1"`, "must start with a letter"},
		{"2130706433", `"2130706433"`, "single-label"},
		{"0x7f000001", `"0x7f000001"`, "single-label"},
		{"0x7f.0.0.1", `"0x7f.0.0.1"`, "must start with a letter"},
		{"localhost", `"localhost"`, "single-label"},
		{"LOCALHOST.", `"LOCALHOST."`, "single-label"},
		{"evil\nhost.com", `"evil\nhost.com"`, "not allowed"},
		{"\x1b[31mred.com", `"\x1b[31mred.com"`, "not allowed"},
		{"example.com:443", `"example.com:443"`, "bad IP address"},
		{"[fe80::1%eth0]", `"[fe80::1%eth0]"`, "zones"},
		{"user@example.com", `"user@example.com"`, "not allowed"},
		{"*.example.com", `"*.example.com"`, "wildcards"},
		{strings.Repeat("a", 300) + ".com", `"` + strings.Repeat("a", 100) + `"...`, "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.logged, func(t *testing.T) {
			e := newEnv(t, Policy{Unknown: ModeAllow})
			_, err := e.g.Dial(context.Background(), "c", tc.host, 443)
			de := wantDenied(t, e, err, tc.want)
			if de.Host != tc.logged {
				t.Errorf("Host = %s, want %s", de.Host, tc.logged)
			}
			if strings.ContainsAny(err.Error(), "\n\x1b") {
				t.Errorf("error carries control characters: %q", err)
			}
			if n := len(e.res.Calls()) + len(e.dial.Dialed()); n != 0 {
				t.Errorf("resolver or dialer called")
			}
		})
	}
}
func TestDeniedErrorMessage(t *testing.T) {
	err := error(&DeniedError{Host: "::1", Port: 443, Reason: "address ::1 is refused: loopback (::1)", cause: ErrRateLimit})
	if got, want := err.Error(), "egress: connection to [::1]:443 denied: address ::1 is refused: loopback (::1)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrDenied) || !errors.Is(err, ErrRateLimit) || errors.Is(err, ErrByteLimit) {
		t.Error("errors.Is")
	}
}
