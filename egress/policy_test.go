package egress

import (
	"strings"
	"testing"
	"time"
)

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"ask": ModeAsk, " DENY ": ModeDeny, "Allow": ModeAllow} {
		if got, err := ParseMode(in); got != want || err != nil {
			t.Errorf("ParseMode(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "yes", "allowed", "ask x"} {
		if got, err := ParseMode(in); err == nil {
			t.Errorf("ParseMode(%q) = %q, want an error", in, got)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := (Policy{}).Validate(); err != nil {
		t.Errorf("zero policy: %v", err)
	}
	good := Policy{Allow: []string{"example.com", "*.example.org:8443", "[::1]:9000"}, Deny: []string{"10.0.0.1"},
		Ports: []int{443}, Unknown: ModeDeny, MaxBytes: 1, MaxConnTime: time.Second, MaxDialsPerMinute: 1}
	if err := good.Validate(); err != nil {
		t.Errorf("good policy: %v", err)
	}
	bad := Policy{Allow: []string{"ok.example.com", "https://x.example.com"}, Deny: []string{"*"},
		Ports: []int{0, 70000}, Unknown: "ASK", MaxBytes: -1, MaxConnTime: -1, MaxDialsPerMinute: -1}
	err := bad.Validate()
	if err == nil {
		t.Fatal("bad policy validated")
	}
	for _, want := range []string{
		`allow rule 2 "https://x.example.com": `,
		`deny rule 1 "*": `,
		"port 0 is out of range", "port 70000 is out of range",
		`mode "ASK"`, "byte limit -1", "time limit -1ns", "rate limit -1",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, err := NewGate(bad, Options{}); err == nil {
		t.Error("NewGate took a bad policy")
	}
}

func TestPolicyString(t *testing.T) {
	got := Policy{}.String()
	want := `unknown hosts: ask (the user is asked once per host and port per session)
allow: none
deny: none
ports: 80, 443 (for rules without a port and for unknown hosts)
limits: 256 MiB per session, 2m0s per connection, 120 connections per minute
`
	if got != want {
		t.Errorf("zero policy:\n%s\nwant:\n%s", got, want)
	}
	got = Policy{Allow: []string{"Example.com.", "[::1]:8443", "bad rule"}, Deny: []string{"*.evil.example"},
		Ports: []int{443}, Unknown: ModeAllow, MaxBytes: 1500, MaxConnTime: time.Hour, MaxDialsPerMinute: 5}.String()
	want = `unknown hosts: allow (private and local addresses are still refused)
allow: example.com, [::1]:8443, "bad rule" (invalid)
deny: *.evil.example
ports: 443 (for rules without a port and for unknown hosts)
limits: 1500 bytes per session, 1h0m0s per connection, 5 connections per minute
`
	if got != want {
		t.Errorf("policy:\n%s\nwant:\n%s", got, want)
	}
}
