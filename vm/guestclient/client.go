// Package guestclient is the host's client for the guest agent. It
// performs the authenticated handshake and makes calls over the
// multiplexed agent channel.
//
// # Trust
//
// The guest is treated as hostile. Every frame is size-bounded before
// allocation and decoded strictly; every call has a deadline; error codes
// and messages from the guest are validated; a protocol violation drops the
// channel for good (the machine is then tainted and must be stopped), so a
// confused or malicious guest cannot desynchronise later calls. Callers
// must still check any path, size or content the guest returns.
package guestclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Errors.
var (
	// ErrAuth means the guest failed the handshake's token check.
	ErrAuth = errors.New("guestclient: guest failed authentication")
	// ErrVersion means the guest speaks another protocol version; the
	// guest image is stale and must be rebuilt.
	ErrVersion = errors.New("guestclient: protocol version mismatch")
	// ErrClosed means the channel is gone: the machine stopped, or the
	// channel was dropped after a protocol violation (see Client.Err).
	ErrClosed = errors.New("guestclient: channel closed")
)

// DefaultCallTimeout applies to calls whose context has no deadline.
const DefaultCallTimeout = 30 * time.Second

// maxMounts bounds the mount list a guest may report.
const maxMounts = 64

// Client talks to one guest agent. It is safe for concurrent use.
type Client struct {
	hello guestproto.HelloReply
	sess  *yamux.Session

	mu  sync.Mutex
	err error // first fatal error

	dial dialer // serves the streams the guest opens (its connections)
}

// Handshake authenticates the guest on conn and starts multiplexing. token
// is the secret the host gave this VM at boot. The handshake must finish
// before ctx ends.
func Handshake(ctx context.Context, conn net.Conn, token string) (*Client, error) {
	nonceBytes := make([]byte, guestproto.NonceSize)
	_, _ = rand.Read(nonceBytes)
	nonce := hex.EncodeToString(nonceBytes)

	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if err := guestproto.WriteMessage(conn, guestproto.Hello{Version: guestproto.Version, Nonce: nonce}); err != nil {
		return nil, ctxErr(ctx, fmt.Errorf("send hello: %w", err))
	}
	var r guestproto.HelloReply
	if err := guestproto.ReadMessage(conn, &r); err != nil {
		return nil, ctxErr(ctx, fmt.Errorf("read hello reply: %w", err))
	}
	if !guestproto.CheckMAC(token, nonce, r.MAC) {
		return nil, ErrAuth
	}
	if r.Version != guestproto.Version {
		return nil, fmt.Errorf("%w: host %d, guest %d (rebuild the guest image)", ErrVersion, guestproto.Version, r.Version)
	}
	if err := checkHello(r); err != nil {
		return nil, err
	}
	if !stop() {
		return nil, ctx.Err()
	}
	_ = conn.SetDeadline(time.Time{})

	cfg := yamux.DefaultConfig()
	cfg.LogOutput = io.Discard
	cfg.AcceptBacklog = maxDialStreams // the guest opens one stream per connection; bound floods
	cfg.EnableKeepAlive = false
	cfg.ConnectionWriteTimeout = 10 * time.Second
	sess, err := yamux.Client(conn, cfg)
	if err != nil {
		return nil, fmt.Errorf("start mux: %w", err)
	}
	c := &Client{hello: r, sess: sess}
	go c.acceptLoop()
	return c, nil
}

func checkHello(r guestproto.HelloReply) error {
	if len(r.Mounts) > maxMounts || len(r.AgentVersion) > 128 || len(r.Kernel) > 128 {
		return fmt.Errorf("%w: oversized hello reply", guestproto.ErrFrame)
	}
	for _, m := range r.Mounts {
		if len(m.Name) > 64 || len(m.Error) > guestproto.MaxErrorMessage {
			return fmt.Errorf("%w: oversized mount entry", guestproto.ErrFrame)
		}
	}
	return nil
}

// ctxErr prefers the context's error, so a deadline reads as one.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	// The connection's deadline is ctx's deadline and can fire a moment
	// before ctx itself reports it.
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}

// Hello returns the guest's handshake reply. Its fields come from the
// guest: informative only.
func (c *Client) Hello() guestproto.HelloReply { return c.hello }

// Err returns the error that closed the channel, if any.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// fail records a fatal error and drops the channel.
func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.sess.Close()
}

// Close drops the channel. It is idempotent.
func (c *Client) Close() error {
	c.fail(ErrClosed)
	return nil
}

// Done is closed when the channel is gone.
func (c *Client) Done() <-chan struct{} { return c.sess.CloseChan() }

// call is one request on its own stream.
type call struct {
	c    *Client
	st   *yamux.Stream
	stop func() bool
}

// open starts a call: opens a stream bounded by ctx (or the default
// timeout) and writes the request.
func (c *Client) open(ctx context.Context, op string, args any) (*call, context.CancelFunc, error) {
	if c.sess.IsClosed() {
		if err := c.Err(); err != nil && !errors.Is(err, ErrClosed) {
			return nil, nil, fmt.Errorf("%w: %v", ErrClosed, err)
		}
		return nil, nil, ErrClosed
	}
	cancel := context.CancelFunc(func() {})
	if _, ok := ctx.Deadline(); !ok {
		ctx, cancel = context.WithTimeout(ctx, DefaultCallTimeout)
	}
	dl, _ := ctx.Deadline()
	st, err := c.sess.OpenStream()
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("%w: open stream: %v", ErrClosed, err)
	}
	_ = st.SetDeadline(dl)
	// Closing the stream is how a call is cancelled.
	stop := context.AfterFunc(ctx, func() { st.Close() })
	req := guestproto.Request{Op: op, DeadlineMillis: max(1, time.Until(dl).Milliseconds())}
	if args != nil {
		b, err := json.Marshal(args)
		if err != nil {
			stop()
			st.Close()
			cancel()
			return nil, nil, fmt.Errorf("encode %s args: %w", op, err)
		}
		req.Args = b
	}
	if err := guestproto.WriteMessage(st, req); err != nil {
		stop()
		st.Close()
		cancel()
		return nil, nil, ctxErr(ctx, fmt.Errorf("send %s: %w", op, err))
	}
	return &call{c: c, st: st, stop: stop}, func() { stop(); st.Close(); cancel() }, nil
}

// response reads the response frame; a guest error comes back as a
// *guestproto.Error, a protocol violation drops the channel.
func (k *call) response(ctx context.Context, op string, result any) (data bool, err error) {
	var resp guestproto.Response
	if err := guestproto.ReadMessage(k.st, &resp); err != nil {
		return false, k.check(ctx, op, err)
	}
	if resp.Error != nil {
		if err := resp.Error.Validate(); err != nil {
			return false, k.check(ctx, op, err)
		}
		if resp.Data || resp.Result != nil {
			return false, k.check(ctx, op, fmt.Errorf("%w: error response with a result", guestproto.ErrFrame))
		}
		return false, resp.Error
	}
	if result != nil {
		if resp.Result == nil {
			return false, k.check(ctx, op, fmt.Errorf("%w: %s response without a result", guestproto.ErrFrame, op))
		}
		if err := guestproto.Decode(resp.Result, result); err != nil {
			return false, k.check(ctx, op, err)
		}
	}
	return resp.Data, nil
}

// check classifies a transport or decoding error: a protocol violation
// drops the channel; a cancelled context is reported as such.
func (k *call) check(ctx context.Context, op string, err error) error {
	if errors.Is(err, guestproto.ErrFrame) {
		k.c.fail(fmt.Errorf("%s: %w", op, err))
		return fmt.Errorf("%s: guest broke the protocol, channel dropped: %w", op, err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", op, ctx.Err())
	}
	if k.c.sess.IsClosed() {
		return fmt.Errorf("%s: %w", op, ErrClosed)
	}
	if errors.Is(err, yamux.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, context.DeadlineExceeded)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Call makes one request and decodes its result into result (which may be
// nil for operations without one). A guest-side failure is returned as a
// *guestproto.Error; test it with errors.Is(err, guestproto.ErrNotFound)
// and friends.
func (c *Client) Call(ctx context.Context, op string, args, result any) error {
	k, done, err := c.open(ctx, op, args)
	if err != nil {
		return err
	}
	defer done()
	data, err := k.response(ctx, op, result)
	if err != nil {
		return err
	}
	if data {
		return k.check(ctx, op, fmt.Errorf("%w: unexpected payload", guestproto.ErrFrame))
	}
	return nil
}

// Ping echoes a payload through the guest and returns the round-trip time.
func (c *Client) Ping(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	var r guestproto.PingResult
	if err := c.Call(ctx, guestproto.OpPing, guestproto.PingArgs{Payload: "ping"}, &r); err != nil {
		return 0, err
	}
	if r.Payload != "ping" {
		return 0, fmt.Errorf("ping: guest echoed %q", r.Payload)
	}
	return time.Since(start), nil
}

// Shutdown asks the guest to power off. The machine ends shortly after.
func (c *Client) Shutdown(ctx context.Context) error {
	return c.Call(ctx, guestproto.OpShutdown, nil, nil)
}

// ReadFile copies a file from a share to w, at most limit bytes, and
// returns the number of bytes copied.
func (c *Client) ReadFile(ctx context.Context, a guestproto.ReadArgs, w io.Writer) (int64, error) {
	_, n, err := c.Read(ctx, a, w)
	return n, err
}

// maxMIME bounds the MIME type a guest may report for a read.
const maxMIME = 256

// Read copies the selection of a file that a describes (a byte range, or
// head or tail lines, cut at a.Limit) to w. It returns what the guest
// reported about the file and the selection (size, truncation, binary
// content, MIME type: informative only) and the number of bytes copied.
func (c *Client) Read(ctx context.Context, a guestproto.ReadArgs, w io.Writer) (guestproto.ReadResult, int64, error) {
	var r guestproto.ReadResult
	k, done, err := c.open(ctx, guestproto.OpReadFile, a)
	if err != nil {
		return r, 0, err
	}
	defer done()
	data, err := k.response(ctx, guestproto.OpReadFile, &r)
	if err != nil {
		return r, 0, err
	}
	if !data {
		return r, 0, k.check(ctx, "readFile", fmt.Errorf("%w: no payload", guestproto.ErrFrame))
	}
	if r.Size < 0 || len(r.MIME) > maxMIME {
		return r, 0, k.check(ctx, "readFile", fmt.Errorf("%w: implausible read result", guestproto.ErrFrame))
	}
	limit := a.Limit
	if limit <= 0 {
		limit = 64 << 20
	}
	n, err := guestproto.ReadData(k.st, w, limit)
	if err != nil {
		if errors.Is(err, guestproto.ErrTooLarge) {
			// The guest sent more than it was asked for.
			return r, n, k.check(ctx, "readFile", fmt.Errorf("%w: %v", guestproto.ErrFrame, err))
		}
		return r, n, k.check(ctx, "readFile", err)
	}
	return r, n, nil
}

// WriteFile sends r's bytes to be written to a share.
func (c *Client) WriteFile(ctx context.Context, a guestproto.WriteArgs, r io.Reader) (guestproto.WriteResult, error) {
	var res guestproto.WriteResult
	k, done, err := c.open(ctx, guestproto.OpWriteFile, a)
	if err != nil {
		return res, err
	}
	defer done()
	// The guest may refuse before reading the payload (a read-only share,
	// say); send in the background and read the response meanwhile.
	sent := make(chan error, 1)
	go func() {
		_, err := guestproto.WriteData(k.st, r)
		sent <- err
	}()
	if _, err := k.response(ctx, guestproto.OpWriteFile, &res); err != nil {
		return res, err
	}
	if err := <-sent; err != nil {
		return res, k.check(ctx, "writeFile", err)
	}
	return res, nil
}

// CallData makes a request whose response carries a payload, copies at
// most limit payload bytes to w, and returns how many it copied. A guest
// that sends more than limit breaks the protocol and loses the channel.
func (c *Client) CallData(ctx context.Context, op string, args, result any, w io.Writer, limit int64) (int64, error) {
	k, done, err := c.open(ctx, op, args)
	if err != nil {
		return 0, err
	}
	defer done()
	data, err := k.response(ctx, op, result)
	if err != nil {
		return 0, err
	}
	if !data {
		return 0, k.check(ctx, op, fmt.Errorf("%w: no payload", guestproto.ErrFrame))
	}
	n, err := guestproto.ReadData(k.st, w, limit)
	if errors.Is(err, guestproto.ErrTooLarge) {
		err = fmt.Errorf("%w: %v", guestproto.ErrFrame, err)
	}
	if err != nil {
		return n, k.check(ctx, op, err)
	}
	return n, nil
}
