package guest

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// The guest has no network card. Its only way out is this HTTP CONNECT
// proxy on the loopback interface: each CONNECT becomes a stream to the
// host carrying a dial request, and the host's egress gate decides. TLS
// runs end to end between the guest's client and the server; the proxy
// and the host see only the bytes.
//
// A client names the tool call it works for in Proxy-Authorization
// (Basic, user "call", password the call id), so the host can tie every
// connection to a call in progress.

// Proxy timeouts.
const (
	proxyHeaderTimeout = 10 * time.Second
	proxyDialTimeout   = 30 * time.Second
	maxProxyConns      = 64
)

// connectProxy serves CONNECT on a loopback listener.
type connectProxy struct {
	ln   net.Listener
	sess *yamux.Session
	log  *slog.Logger
	wg   sync.WaitGroup
	sem  chan struct{}
}

// startProxy listens on 127.0.0.1 (an ephemeral port) and serves until
// ctx ends or close is called.
func startProxy(ctx context.Context, sess *yamux.Session, log *slog.Logger) (*connectProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("egress proxy: %w", err)
	}
	p := &connectProxy{ln: ln, sess: sess, log: log, sem: make(chan struct{}, maxProxyConns)}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.serve(ctx)
	}()
	return p, nil
}

// Addr is the proxy's address, host:port.
func (p *connectProxy) Addr() string { return p.ln.Addr().String() }

func (p *connectProxy) close() {
	p.ln.Close()
	p.wg.Wait()
}

func (p *connectProxy) serve(ctx context.Context) {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		select {
		case p.sem <- struct{}{}:
		default:
			writeProxyError(c, http.StatusServiceUnavailable, "too many connections")
			c.Close()
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer func() { <-p.sem }()
			p.handle(ctx, c)
		}()
	}
}

func writeProxyError(c net.Conn, code int, msg string) {
	_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	msg = strings.ReplaceAll(msg, "\n", " ")
	fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		code, http.StatusText(code), len(msg), msg)
}

// handle serves one client connection: one CONNECT, then bytes.
func (p *connectProxy) handle(ctx context.Context, c net.Conn) {
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(proxyHeaderTimeout))
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		writeProxyError(c, http.StatusBadRequest, "malformed request")
		return
	}
	if req.Method != http.MethodConnect {
		writeProxyError(c, http.StatusMethodNotAllowed, "this proxy only tunnels (CONNECT host:port)")
		return
	}
	host, portStr, err := net.SplitHostPort(req.Host)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || host == "" || port < 1 || port > 65535 {
		writeProxyError(c, http.StatusBadRequest, "CONNECT needs host:port")
		return
	}
	callID := callIDFrom(req.Header.Get("Proxy-Authorization"))
	st, err := p.dial(ctx, guestproto.DialArgs{CallID: callID, Host: host, Port: port})
	if err != nil {
		p.log.Debug("egress refused", "host", host, "port", port, "err", err)
		writeProxyError(c, http.StatusForbidden, err.Error())
		return
	}
	defer st.Close()
	_ = c.SetReadDeadline(time.Time{})
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() {
		// Bytes the client sent after the request (br's buffer) first.
		_, _ = io.Copy(st, br)
		_ = st.Close() // half-close towards the host
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(c, st)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		done <- struct{}{}
	}()
	for n := 0; n < 2; n++ {
		select {
		case <-done:
		case <-ctx.Done():
			return
		}
	}
}

// callIDFrom reads the call id from a Basic Proxy-Authorization header.
func callIDFrom(h string) string {
	const prefix = "Basic "
	if !strings.HasPrefix(h, prefix) {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(h[len(prefix):]))
	if err != nil {
		return ""
	}
	user, pass, ok := strings.Cut(string(b), ":")
	if !ok || user != "call" {
		return ""
	}
	return pass
}

// dial asks the host for a connection and returns the stream carrying it.
func (p *connectProxy) dial(ctx context.Context, a guestproto.DialArgs) (net.Conn, error) {
	st, err := p.sess.OpenStream()
	if err != nil {
		return nil, fmt.Errorf("no channel to the host: %w", err)
	}
	_ = st.SetDeadline(time.Now().Add(proxyDialTimeout))
	if err := guestproto.WriteMessage(st, guestproto.Request{Op: guestproto.OpDial, Args: mustJSON(a)}); err != nil {
		st.Close()
		return nil, fmt.Errorf("send dial request: %w", err)
	}
	var resp guestproto.Response
	if err := guestproto.ReadMessage(st, &resp); err != nil {
		st.Close()
		if errors.Is(err, yamux.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			return nil, errors.New("the host did not answer the connection request in time")
		}
		return nil, fmt.Errorf("read dial response: %w", err)
	}
	if resp.Error != nil {
		st.Close()
		return nil, errors.New(resp.Error.Message)
	}
	_ = st.SetDeadline(time.Time{})
	return st, nil
}

// dialViaProxy connects to addr through the CONNECT proxy at proxy, for
// the given call. It is the only dialer the guest's HTTP client has.
func dialViaProxy(ctx context.Context, proxy, callID, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", proxy)
	if err != nil {
		return nil, fmt.Errorf("egress proxy: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	auth := base64.StdEncoding.EncodeToString([]byte("call:" + callID))
	if _, err := fmt.Fprintf(c, "CONNECT %s HTTP/1.1\r\nHost: %s\r\nProxy-Authorization: Basic %s\r\n\r\n", addr, addr, auth); err != nil {
		c.Close()
		return nil, err
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("egress proxy: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, guestproto.MaxErrorMessage))
		resp.Body.Close()
		c.Close()
		return nil, &EgressError{Addr: addr, Msg: string(msg)}
	}
	_ = c.SetDeadline(time.Time{})
	if br.Buffered() > 0 {
		return &bufferedConn{Conn: c, r: br}, nil
	}
	return c, nil
}

// EgressError is a connection the host refused.
type EgressError struct {
	Addr, Msg string
}

func (e *EgressError) Error() string {
	return "connection to " + e.Addr + " refused by the host: " + e.Msg
}

// bufferedConn reads what a bufio.Reader already buffered first.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// mustJSON encodes a value that always encodes (plain structs).
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
