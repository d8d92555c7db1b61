package mcp

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/audit"
	"github.com/airlock-dev/airlock/egress"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/tools/web"
	"github.com/airlock-dev/airlock/vm/guestclient"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// netAskID names the elicitation that asks whether a host may be reached.
const netAskID = "airlock_network"

// netPrefix starts the request state of a network question.
const netPrefix = "net."

// errNeedsApproval refuses a connection the guest opened mid-call to a
// host nobody approved yet; the tool then asks the user (see web.Egress).
var errNeedsApproval = errors.New("this host needs the user's approval; airlock will ask")

// sessionEgress is one session's door to the web: its egress gate, the
// web calls in progress, and the network questions waiting for answers.
// It implements web.Egress.
type sessionEgress struct {
	s    *Server
	sb   *Sandbox
	gate *egress.Gate

	mu         sync.Mutex
	calls      map[string]*webCall // by call id
	configured *guestclient.Client // the agent the trust roots went to
	asks       map[string]netQuestion
}

// webCall is a web tool call in progress.
type webCall struct {
	ctx     context.Context // the tool call's: the MCP session to notify
	askHost string          // first host that needs approval
	askPort int
	conns   map[*callConn]bool // open connections, closed when the call ends
}

// netQuestion is a pending "may this session reach host:port?".
type netQuestion struct {
	session string
	digest  [32]byte
	host    string
	port    int
	expires time.Time
}

type callKey struct{}

func (s *Server) newEgress(sb *Sandbox) (*sessionEgress, error) {
	e := &sessionEgress{s: s, sb: sb, calls: map[string]*webCall{}, asks: map[string]netQuestion{}}
	g, err := egress.NewGate(s.cfg.Network, egress.Options{
		Resolver: s.cfg.Resolver,
		Ask:      e.askMidCall,
		Log:      e.record,
	})
	if err != nil {
		return nil, err
	}
	e.gate = g
	return e, nil
}

// askMidCall answers the gate's question for a connection the guest
// opened while a call runs (a redirect, say): the user cannot be asked in
// the middle of a call, so the host is noted and the connection refused;
// the tool asks once the call ends. The error is not remembered as an
// answer.
func (e *sessionEgress) askMidCall(ctx context.Context, host string, port int) (bool, error) {
	if c, ok := ctx.Value(callKey{}).(*webCall); ok {
		e.mu.Lock()
		if c.askHost == "" {
			c.askHost, c.askPort = host, port
		}
		e.mu.Unlock()
	}
	return false, errNeedsApproval
}

// record logs an egress decision to the audit log, the server log and
// the client's activity notifications.
func (e *sessionEgress) record(d egress.Decision) {
	rec := map[string]any{"host": d.Host, "port": d.Port, "verdict": string(d.Verdict), "reason": d.Reason, "call": d.CallID}
	if d.IP.IsValid() {
		rec["ip"] = d.IP.String()
	}
	if d.Verdict == egress.Closed {
		rec["bytesOut"], rec["bytesIn"], rec["durationMs"] = d.BytesOut, d.BytesIn, d.Duration.Milliseconds()
	}
	if e.sb.audit != nil {
		if _, err := e.sb.audit.Append(audit.TypeNetwork, rec); err != nil {
			e.s.log.Error("audit append", "err", err)
		}
	}
	e.s.log.Info("egress", "session", e.sb.key, "host", d.Host, "port", d.Port, "ip", d.IP, "verdict", d.Verdict, "reason", d.Reason)
	e.mu.Lock()
	c := e.calls[d.CallID]
	e.mu.Unlock()
	if c != nil {
		rec["event"] = "network"
		e.s.activity(c.ctx, mcpgo.LoggingLevelInfo, rec)
	}
}

// dial serves the guest's connection requests (guestclient.DialFunc).
// A connection belongs to the web tool call the guest names: with no such
// call in progress it is refused, and it is closed when its call ends.
func (e *sessionEgress) dial(ctx context.Context, callID, host string, port int) (net.Conn, error) {
	e.mu.Lock()
	c := e.calls[callID]
	e.mu.Unlock()
	if c == nil {
		e.gate.Refuse(host, port, "no web tool call in progress owns this connection")
		return nil, fmt.Errorf("connection to %s refused: no web tool call in progress owns it", net.JoinHostPort(host, fmt.Sprint(port)))
	}
	conn, err := e.gate.Dial(context.WithValue(ctx, callKey{}, c), callID, host, port)
	if err != nil {
		return nil, err
	}
	cc := &callConn{Conn: conn}
	e.mu.Lock()
	_, live := e.calls[callID]
	if live {
		c.conns[cc] = true
		cc.done = func() {
			e.mu.Lock()
			delete(c.conns, cc)
			e.mu.Unlock()
		}
	}
	e.mu.Unlock()
	if !live {
		conn.Close()
		return nil, fmt.Errorf("connection to %s refused: its web tool call has ended", net.JoinHostPort(host, fmt.Sprint(port)))
	}
	return cc, nil
}

// callConn leaves its call's set when closed.
type callConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *callConn) Close() error {
	c.once.Do(func() {
		if c.done != nil {
			c.done()
		}
	})
	return c.Conn.Close()
}

func (c *callConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// Allow implements web.Egress.
func (e *sessionEgress) Allow(ctx context.Context, c *tools.Call, host string, port int) (*mcpgo.CallToolResult, error) {
	if strings.HasPrefix(c.Elicit.State, netPrefix) {
		ah, ap, err := e.answer(c)
		if ah != "" {
			e.s.activity(ctx, mcpgo.LoggingLevelInfo, map[string]any{"event": "network_answer", "host": ah, "port": ap,
				"allowed": err == nil})
		}
		if err != nil {
			return nil, err
		}
	}
	needAsk, err := e.gate.Check(host, port)
	if err != nil {
		// The gate logged it; the client watching activity sees it too.
		e.s.activity(ctx, mcpgo.LoggingLevelWarning, map[string]any{"event": "network", "host": host, "port": port,
			"verdict": string(egress.Denied), "reason": err.Error()})
		return nil, tools.Userf("%v", err)
	}
	if !needAsk {
		return nil, nil
	}
	if !c.Elicit.Capable {
		e.gate.Refuse(host, port, "the client cannot ask the user")
		return nil, tools.Userf("reaching %s needs the user's approval, but this MCP client cannot ask (no elicitation). "+
			"Restart airlock with --allow-host %s to allow it.", net.JoinHostPort(host, fmt.Sprint(port)), host)
	}
	digest, err := callDigest(c.Tool.Name, c.Args)
	if err != nil {
		return nil, err
	}
	state := netPrefix + rand.Text()
	e.mu.Lock()
	now := time.Now()
	for k, q := range e.asks {
		if now.After(q.expires) {
			delete(e.asks, k)
		}
	}
	if len(e.asks) >= approvals.MaxPendingPerSession {
		e.mu.Unlock()
		return nil, tools.Userf("too many network questions are waiting for the user")
	}
	e.asks[state] = netQuestion{session: c.Session, digest: digest, host: host, port: port, expires: now.Add(e.s.gate.policy.Timeout.Std())}
	e.mu.Unlock()
	e.s.log.Info("asking the user about a host", "session", c.Session, "host", host, "port", port)
	msg := fmt.Sprintf("Allow the sandbox to connect to %s for the rest of this session?\n(tool %s, %s)",
		approvals.Quote(net.JoinHostPort(host, fmt.Sprint(port))), c.Tool.Name, approvals.Quote(strings.Join(c.Paths, ", ")))
	return server.NewInputRequestBuilder(state).
		Elicit(netAskID, mcpgo.ElicitationParams{
			Mode:    mcpgo.ElicitationModeForm,
			Message: msg,
			RequestedSchema: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"allow": map[string]any{"type": "boolean", "title": "Allow " + host + " for this session", "default": false},
				},
				"required": []string{"allow"},
			},
		}).
		ToolResult(), nil
}

// answer applies the user's answer that a retried call carries. An answer
// that does not match a question this server asked for this session and
// call is refused.
func (e *sessionEgress) answer(c *tools.Call) (host string, port int, err error) {
	digest, err := callDigest(c.Tool.Name, c.Args)
	if err != nil {
		return "", 0, err
	}
	e.mu.Lock()
	q, ok := e.asks[c.Elicit.State]
	if ok && q.session == c.Session && q.digest == digest {
		delete(e.asks, c.Elicit.State)
	}
	e.mu.Unlock()
	if !ok || q.session != c.Session || time.Now().After(q.expires) {
		return "", 0, tools.Userf("no such pending network question (it expired or was answered); call again to ask anew")
	}
	if q.digest != digest {
		return "", 0, tools.Userf("the answer was for a different call")
	}
	ans := server.ElicitationResponse(c.Elicit.Responses, netAskID)
	allowed := ans != nil && ans.Action == mcpgo.ElicitationResponseActionAccept && isTrue(ans.Content, "allow")
	e.gate.Answer(q.host, q.port, allowed)
	if !allowed {
		return q.host, q.port, tools.Userf("the user declined access to %s; nothing was fetched", net.JoinHostPort(q.host, fmt.Sprint(q.port)))
	}
	return q.host, q.port, nil
}

// Begin implements web.Egress.
func (e *sessionEgress) Begin(ctx context.Context, c *tools.Call, a *guestclient.Client) (string, func() (string, int), error) {
	e.mu.Lock()
	fresh := e.configured != a
	e.mu.Unlock()
	if fresh {
		// A new VM (first web call, or the old one died): trust roots
		// and the dialer.
		if err := a.Call(ctx, guestproto.OpWebConfig, guestproto.WebConfig{RootCAs: e.s.rootCAs()}, nil); err != nil {
			return "", nil, fmt.Errorf("configure the guest's web client: %w", err)
		}
		a.SetDialer(e.dial)
		e.mu.Lock()
		e.configured = a
		e.mu.Unlock()
	}
	id := rand.Text()
	wc := &webCall{ctx: ctx, conns: map[*callConn]bool{}}
	e.mu.Lock()
	e.calls[id] = wc
	e.mu.Unlock()
	end := func() (string, int) {
		e.mu.Lock()
		delete(e.calls, id)
		open := make([]*callConn, 0, len(wc.conns))
		for cc := range wc.conns {
			open = append(open, cc)
		}
		host, port := wc.askHost, wc.askPort
		e.mu.Unlock()
		// A connection does not outlive its call.
		for _, cc := range open {
			cc.Close()
		}
		return host, port
	}
	return id, end, nil
}

func (e *sessionEgress) close() { e.gate.Close() }

// rootCAs returns the PEM bundle the guest trusts: the host's system
// bundle plus the configured extra authorities.
func (s *Server) rootCAs() string {
	s.caOnce.Do(func() {
		var b strings.Builder
		for _, p := range systemCAFiles() {
			if data, err := os.ReadFile(p); err == nil {
				b.Write(data)
				b.WriteString("\n")
				break
			}
		}
		b.WriteString(s.cfg.ExtraRootCAs)
		s.caPEM = b.String()
	})
	return s.caPEM
}

// systemCAFiles lists where systems keep their CA bundle; SSL_CERT_FILE
// first, as Go's own loader does.
func systemCAFiles() []string {
	var ps []string
	if f := os.Getenv("SSL_CERT_FILE"); f != "" {
		ps = append(ps, f)
	}
	return append(ps,
		"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu
		"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL
		"/etc/ssl/cert.pem",                                 // macOS, Alpine
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7+
	)
}

var _ web.Egress = (*sessionEgress)(nil)
