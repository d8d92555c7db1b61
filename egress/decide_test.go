package egress

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestDialWildcard(t *testing.T) {
	tests := []struct {
		host string
		port int
		ok   bool
	}{
		{"sub.example.com", 443, true},
		{"a.b.example.com", 443, true},
		{"SUB.Example.COM.", 80, true},
		{"sub.example.com", 22, false},
		{"example.com", 443, false},
		{"badexample.com", 443, false},
		{"example.com.evil.net", 443, false},
		{"evil-example.com", 443, false},
		{"subexample.com", 443, false},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			e := newEnv(t, Policy{Allow: []string{"*.example.com"}, Unknown: ModeDeny})
			c, err := e.g.Dial(context.Background(), "c", tc.host, tc.port)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
				if d := e.rec.All()[0]; d.Verdict != Allowed || d.Reason != "allowed by rule *.example.com" {
					t.Errorf("decision %+v", d)
				}
				return
			}
			if !errors.Is(err, ErrDenied) {
				t.Fatalf("err = %v, want denied", err)
			}
			if n := len(e.res.Calls()); n != 0 {
				t.Errorf("resolved a refused name %d times", n)
			}
		})
	}
}
func TestDialDenyWins(t *testing.T) {
	p := Policy{
		Allow:   []string{"*.example.com", "api.example.com", "93.184.215.99"},
		Deny:    []string{"secret.example.com", "api.example.com:8080", "93.184.215.99", "*.internal.example.com"},
		Ports:   []int{443, 8080},
		Unknown: ModeAllow,
	}
	tests := []struct {
		host string
		port int
		want string // "" when allowed
	}{
		{"secret.example.com", 443, "denied by rule secret.example.com"},
		{"SECRET.example.com.", 443, "denied by rule secret.example.com"},
		{"x.internal.example.com", 443, "denied by rule *.internal.example.com"},
		{"api.example.com", 443, ""},
		{"api.example.com", 8080, "denied by rule api.example.com:8080"},
		{"93.184.215.99", 443, "denied by rule 93.184.215.99"},
		// An IP deny rule also refuses names that resolve to it.
		{"www.example.com", 443, "www.example.com resolves to 93.184.215.99, which is refused: denied by rule 93.184.215.99"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s:%d", tc.host, tc.port), func(t *testing.T) {
			e := newEnv(t, p)
			e.answer("www.example.com", addrs("93.184.215.99"))
			c, err := e.g.Dial(context.Background(), "c", tc.host, tc.port)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
				return
			}
			wantDenied(t, e, err, tc.want)
			if d := e.dial.Dialed(); len(d) != 0 {
				t.Errorf("dialed %v", d)
			}
		})
	}
}
func TestDialPorts(t *testing.T) {
	tests := []struct {
		ports []int
		host  string
		port  int
		want  string // "" when allowed
	}{
		{nil, "example.com", 443, ""},
		{nil, "example.com", 80, ""},
		{nil, "example.com", 22, "no allow rule for example.com covers port 22"},
		{nil, "ssh.example.org", 22, ""},
		{nil, "ssh.example.org", 443, "no allow rule for ssh.example.org covers port 443"},
		{nil, "other.example.net", 443, ""},
		{nil, "other.example.net", 25, "port 25 is not allowed (allowed ports: 80, 443)"},
		{nil, "example.com", 0, "invalid port 0"},
		{nil, "example.com", 65536, "invalid port 65536"},
		{nil, "example.com", -443, "invalid port -443"},
		{[]int{8080}, "example.com", 8080, ""},
		{[]int{8080}, "example.com", 443, "covers port 443"},
		{[]int{8080}, "other.example.net", 443, "port 443 is not allowed (allowed ports: 8080)"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%v %s:%d", tc.ports, tc.host, tc.port), func(t *testing.T) {
			e := newEnv(t, Policy{Allow: []string{"example.com", "ssh.example.org:22"}, Ports: tc.ports, Unknown: ModeAllow})
			c, err := e.g.Dial(context.Background(), "c", tc.host, tc.port)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
				want := netip.AddrPortFrom(pub4, uint16(tc.port)).String()
				if d := e.dial.Dialed(); !slices.Equal(d, []string{want}) {
					t.Errorf("dialed %v, want %s", d, want)
				}
				return
			}
			wantDenied(t, e, err, tc.want)
		})
	}
}
func TestDialUnknownModes(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeDeny})
	_, err := e.g.Dial(context.Background(), "c", "example.com", 443)
	wantDenied(t, e, err, "no allow rule names example.com:443 and unknown hosts are denied")

	e = newEnv(t, Policy{}) // ask, but no one to ask
	_, err = e.g.Dial(context.Background(), "c", "example.com", 443)
	wantDenied(t, e, err, "no one can approve it")
	if n := len(e.res.Calls()); n != 0 {
		t.Errorf("resolved %d times", n)
	}

	e = newEnv(t, Policy{Unknown: ModeAllow})
	c := mustDial(t, e, "example.com", 443)
	c.Close()
	if d := e.rec.All()[0]; d.Verdict != Allowed || d.IP != pub4 || !strings.Contains(d.Reason, "unknown hosts are allowed") || d.CallID != "call-1" {
		t.Errorf("decision %+v", d)
	}
}
