package egress

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// clientHello returns the first flight a Go TLS client sends for name.
func clientHello(t *testing.T, name string) []byte {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go tls.Client(a, &tls.Config{ServerName: name, InsecureSkipVerify: name == ""}).Handshake()
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64<<10)
	n, err := io.ReadAtLeast(b, buf, 5)
	if err != nil {
		t.Fatal(err)
	}
	for need := 5 + (int(buf[3])<<8 | int(buf[4])); n < need; {
		m, err := b.Read(buf[n:])
		if err != nil {
			t.Fatal(err)
		}
		n += m
	}
	return buf[:n]
}

func TestFirstFlight(t *testing.T) {
	hello := clientHello(t, "docs.example.com")
	other := clientHello(t, "evil.example.net")
	noSNI := clientHello(t, "")
	for _, c := range []struct {
		name   string
		host   string
		isAddr bool
		flight []byte
		want   string // "" allowed, else a substring of the refusal
	}{
		{"tls matching", "docs.example.com", false, hello, ""},
		{"tls other name", "docs.example.com", false, other, "TLS server name"},
		{"tls no name to a name", "docs.example.com", false, noSNI, "without a server name"},
		{"tls no name to an address", "127.0.0.1", true, noSNI, ""},
		{"tls name to an address", "127.0.0.1", true, hello, "TLS server name"},
		{"http matching", "docs.example.com", false, []byte("GET / HTTP/1.1\r\nHost: Docs.Example.com:443\r\nAccept: */*\r\n\r\n"), ""},
		{"http other host", "docs.example.com", false, []byte("GET / HTTP/1.1\r\nHost: evil.example.net\r\n\r\n"), "HTTP Host"},
		{"http no host", "docs.example.com", false, []byte("GET / HTTP/1.0\r\n\r\n"), "without a Host"},
		{"http ipv6 host", "::1", true, []byte("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"), ""},
		{"not http or tls", "docs.example.com", false, []byte("SSH-2.0-OpenSSH_9.6\r\n"), "only TLS and HTTP"},
		{"h2 prior knowledge", "docs.example.com", false, []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), "only TLS and HTTP"},
		{"garbage tls", "docs.example.com", false, []byte{0x16, 3, 1, 0, 4, 1, 2, 3, 4}, "could not be read"},
	} {
		t.Run(c.name, func(t *testing.T) {
			more, why := checkFirstFlight(c.flight, c.host, c.isAddr)
			if more {
				t.Fatalf("asked for more bytes on a complete flight")
			}
			if (why == "") != (c.want == "") || !strings.Contains(why, c.want) {
				t.Errorf("why = %q, want %q", why, c.want)
			}
		})
	}
	// Partial flights wait for the rest.
	for _, part := range [][]byte{hello[:3], hello[:len(hello)-1], []byte("GET / HTTP/1.1\r\nHost: docs.exa")} {
		if more, why := checkFirstFlight(part, "docs.example.com", false); !more || why != "" {
			t.Errorf("partial flight of %d bytes: more=%v why=%q", len(part), more, why)
		}
	}
}

// TestInspectedConn: the flight is held until decided, then passed on in
// one piece; a refused flight never reaches the destination, closes the
// connection and is logged.
func TestInspectedConn(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow})
	c := mustDial(t, e, "docs.example.com", 443)
	peer := e.dial.Peer(0)
	got := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(peer); got <- b }()
	hello := clientHello(t, "docs.example.com")
	for _, chunk := range [][]byte{hello[:10], hello[10:]} {
		if n, err := c.Write(chunk); n != len(chunk) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	c.Write([]byte("after"))
	c.Close()
	if b := <-got; string(b) != string(hello)+"after" {
		t.Errorf("destination got %d bytes, want the hello and the rest", len(b))
	}

	c2 := mustDial(t, e, "docs.example.com", 443)
	peer2 := e.dial.Peer(1)
	got2 := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(peer2); got2 <- b }()
	_, err := c2.Write(clientHello(t, "evil.example.net"))
	if !errors.Is(err, ErrDenied) || !strings.Contains(err.Error(), "TLS server name") {
		t.Fatalf("fronting attempt: err = %v", err)
	}
	if b := <-got2; len(b) != 0 {
		t.Errorf("the refused flight reached the destination (%d bytes)", len(b))
	}
	if _, err := c2.Write([]byte("more")); !errors.Is(err, ErrDenied) {
		t.Errorf("write after refusal: %v", err)
	}
	vs := e.rec.Verdicts()
	if len(vs) < 2 || vs[len(vs)-2] != Denied || vs[len(vs)-1] != Closed {
		t.Errorf("log ends with %v, want denied then closed", vs)
	}
}
