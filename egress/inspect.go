package egress

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// The gate checks the destination by name and address, but a client that
// opened a connection to an allowed host could then talk to another one
// behind the same address (domain fronting, or any shared front end), by
// naming it in the TLS server name or the HTTP Host header. So the first
// bytes the guest sends on a connection are held back until they show
// which host they are for:
//
//   - TLS: the ClientHello's server name must be the host the connection
//     was opened for (a connection opened for an IP address may omit it);
//   - plain HTTP/1.x: the Host header must name that host;
//   - anything else is refused: the browser tools speak only these.
//
// What travels inside TLS afterwards (HTTP/2 :authority, later requests)
// is encrypted end to end and cannot be checked without terminating TLS.

// maxFirstFlight bounds the bytes held back while deciding: one TLS
// record, or an HTTP request head.
const maxFirstFlight = 16<<10 + 5

// inspected is a connection whose first flight is checked.
type inspected struct {
	*conn
	host   string // canonical host the connection was opened for
	isAddr bool

	mu      sync.Mutex
	decided bool
	buf     []byte
	err     error
}

func newInspected(c *conn, h host) *inspected {
	return &inspected{conn: c, host: h.name, isAddr: h.isAddr()}
}

// Write holds bytes back until the first flight is decided, then passes
// everything through.
func (c *inspected) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if c.decided {
		return c.conn.Write(p)
	}
	c.buf = append(c.buf, p...)
	more, why := checkFirstFlight(c.buf, c.host, c.isAddr)
	switch {
	case why != "":
		c.refuse(why)
		return 0, c.err
	case more && len(c.buf) >= maxFirstFlight:
		c.refuse("the first request is longer than the proxy inspects")
		return 0, c.err
	case more:
		return len(p), nil
	}
	c.decided = true
	held := c.buf
	c.buf = nil
	if _, err := c.conn.Write(held); err != nil {
		return 0, err
	}
	return len(p), nil
}

// refuse logs the refusal and ends the connection; the guest sees it
// closed.
func (c *inspected) refuse(why string) {
	d := c.d
	d.Verdict, d.Reason = Denied, why
	c.g.log(d)
	c.err = &DeniedError{Host: c.d.Host, Port: c.d.Port, IP: c.d.IP, Reason: why}
	c.conn.end("refused: " + why)
	c.conn.Close()
}

// checkFirstFlight decides on the first bytes of a connection to host:
// more means it needs more bytes; a non-empty why refuses it.
func checkFirstFlight(b []byte, host string, isAddr bool) (more bool, why string) {
	if len(b) == 0 {
		return true, ""
	}
	if b[0] == 0x16 { // TLS handshake record
		if len(b) < 5 {
			return true, ""
		}
		n := int(b[3])<<8 | int(b[4])
		if n > 16<<10 {
			return false, "malformed TLS record"
		}
		if len(b) < 5+n {
			return true, ""
		}
		sni, err := serverName(b[:5+n])
		if err != nil {
			return false, "the TLS handshake could not be read (" + err.Error() + ")"
		}
		sni = strings.TrimSuffix(strings.ToLower(sni), ".")
		switch {
		case sni == "" && isAddr:
			return false, ""
		case sni == "":
			return false, "TLS without a server name to a named host"
		case sni != host:
			return false, fmt.Sprintf("TLS server name %s is not %s, the host this connection was opened for", quoteName(sni), host)
		}
		return false, ""
	}
	if i := bytes.IndexByte(b, ' '); i > 0 && i <= 8 && isMethod(b[:i]) {
		end := bytes.Index(b, []byte("\r\n\r\n"))
		if end < 0 {
			return true, ""
		}
		h, ok := hostHeader(string(b[:end]))
		if !ok {
			return false, "HTTP request without a Host header"
		}
		if h != host {
			return false, fmt.Sprintf("HTTP Host %s is not %s, the host this connection was opened for", quoteName(h), host)
		}
		return false, ""
	}
	return false, "only TLS and HTTP/1.x are relayed"
}

func isMethod(m []byte) bool {
	switch string(m) {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH":
		return true
	}
	return false
}

// hostHeader returns the Host header of an HTTP request head, lower-cased,
// without port or brackets.
func hostHeader(head string) (string, bool) {
	lines := strings.Split(head, "\r\n")
	for _, l := range lines[1:] {
		name, v, ok := strings.Cut(l, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "host") {
			continue
		}
		v = strings.ToLower(strings.TrimSpace(v))
		if h, _, err := net.SplitHostPort(v); err == nil {
			v = h
		}
		return strings.TrimSuffix(strings.Trim(v, "[]"), "."), true
	}
	return "", false
}

// quoteName shows a name from the guest safely.
func quoteName(s string) string { return displayHost(s) }

// serverName reads the server name from a TLS record holding a
// ClientHello, with the standard library's own parser: a TLS server
// handshake over the bytes, stopped as soon as the hello is parsed.
func serverName(record []byte) (string, error) {
	var name string
	var parsed bool
	errStop := errors.New("stop")
	srv := tls.Server(&replayConn{r: bytes.NewReader(record)}, &tls.Config{
		GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			name, parsed = h.ServerName, true
			return nil, errStop
		},
	})
	_ = srv.Handshake() // fails by design once the hello is read
	if parsed {
		return name, nil
	}
	return "", errors.New("not a TLS ClientHello")
}

// replayConn is a net.Conn that reads from r and discards writes.
type replayConn struct{ r io.Reader }

func (c *replayConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *replayConn) Write(p []byte) (int, error)      { return len(p), nil }
func (c *replayConn) Close() error                     { return nil }
func (c *replayConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *replayConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *replayConn) SetDeadline(time.Time) error      { return nil }
func (c *replayConn) SetReadDeadline(time.Time) error  { return nil }
func (c *replayConn) SetWriteDeadline(time.Time) error { return nil }
