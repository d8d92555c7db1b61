package egress_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"

	"github.com/airlock-dev/airlock/egress"
)

// Example opens one session's gate, with a local service allowed by an
// exact-address rule, and shows what it logs.
func Example() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("hello"))
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port

	policy := egress.Policy{Allow: []string{"127.0.0.1:" + strconv.Itoa(port)}, Unknown: egress.ModeDeny}
	gate, err := egress.NewGate(policy, egress.Options{
		Log: func(d egress.Decision) { fmt.Println("log:", d.Verdict, d.IP, d.BytesIn) },
	})
	if err != nil {
		panic(err)
	}
	defer gate.Close()

	ctx := context.Background()
	_, err = gate.Dial(ctx, "call-1", "169.254.169.254", 80)
	fmt.Println(err)

	c, err := gate.Dial(ctx, "call-2", "127.0.0.1", port)
	if err != nil {
		panic(err)
	}
	b, _ := io.ReadAll(c)
	c.Close()
	fmt.Printf("read %q\n", b)
	// Output:
	// log: denied 169.254.169.254 0
	// egress: connection to 169.254.169.254:80 denied: address 169.254.169.254 is refused: cloud metadata service
	// log: allowed 127.0.0.1 0
	// log: closed 127.0.0.1 5
	// read "hello"
}

func ExamplePolicy_String() {
	p := egress.Policy{Allow: []string{"*.github.com", "Example.org.", "127.0.0.1:8443"}, Deny: []string{"gist.github.com"}}
	fmt.Print(p)
	// Output:
	// unknown hosts: ask (the user is asked once per host and port per session)
	// allow: *.github.com, example.org, 127.0.0.1:8443
	// deny: gist.github.com
	// ports: 80, 443 (for rules without a port and for unknown hosts)
	// limits: 256 MiB per session, 2m0s per connection, 120 connections per minute
}

func ExampleParseRule() {
	for _, s := range []string{"*.Example.com:443", "[::1]:9000", "127.1", "https://example.com"} {
		if r, err := egress.ParseRule(s); err != nil {
			fmt.Printf("%s: %v\n", s, err)
		} else {
			fmt.Printf("%s: %s (port %d)\n", s, r, r.Port)
		}
	}
	// Output:
	// *.Example.com:443: *.example.com:443 (port 443)
	// [::1]:9000: [::1]:9000 (port 9000)
	// 127.1: the last label of a host name must start with a letter (numeric IPv4 forms are refused)
	// https://example.com: a rule is a host name or an IP address with an optional :port, not a URL
}
