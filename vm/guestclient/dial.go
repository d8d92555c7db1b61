package guestclient

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// DialFunc connects to host:port on the guest's behalf, for the tool call
// the guest names. It alone decides whether the connection may be made
// (the session's egress gate); its error message is shown to the guest.
type DialFunc func(ctx context.Context, callID, host string, port int) (net.Conn, error)

// Bounds on the streams a guest may open.
const (
	maxDialStreams  = 32
	dialReadTimeout = 5 * time.Second
	maxDialHost     = 255
)

// dialer is the state of the guest-to-host stream service.
type dialer struct {
	mu     sync.Mutex
	fn     DialFunc
	active int
}

// SetDialer sets the function that serves the guest's connection
// requests; nil refuses them all (the default). The guest's streams are
// always accepted and answered, so a guest never waits on a refused dial.
func (c *Client) SetDialer(fn DialFunc) {
	c.dial.mu.Lock()
	c.dial.fn = fn
	c.dial.mu.Unlock()
}

// acceptLoop serves every stream the guest opens, until the channel ends.
func (c *Client) acceptLoop() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-c.sess.CloseChan()
		cancel()
	}()
	for {
		st, err := c.sess.AcceptStream()
		if err != nil {
			return
		}
		c.dial.mu.Lock()
		fn := c.dial.fn
		busy := c.dial.active >= maxDialStreams
		if !busy {
			c.dial.active++
		}
		c.dial.mu.Unlock()
		if busy {
			refuse(st, guestproto.CodeTooLarge, fmt.Sprintf("more than %d connections at once", maxDialStreams))
			continue
		}
		go func() {
			defer func() {
				c.dial.mu.Lock()
				c.dial.active--
				c.dial.mu.Unlock()
			}()
			c.serveDial(ctx, st, fn)
		}()
	}
}

func refuse(st *yamux.Stream, code guestproto.Code, msg string) {
	_ = st.SetWriteDeadline(time.Now().Add(dialReadTimeout))
	_ = guestproto.WriteMessage(st, guestproto.Response{Error: &guestproto.Error{Code: code, Message: msg}})
	st.Close()
}

// serveDial reads one dial request, asks fn, and relays bytes.
func (c *Client) serveDial(ctx context.Context, st *yamux.Stream, fn DialFunc) {
	_ = st.SetReadDeadline(time.Now().Add(dialReadTimeout))
	var req guestproto.Request
	if err := guestproto.ReadMessage(st, &req); err != nil {
		st.Close()
		return
	}
	var a guestproto.DialArgs
	switch {
	case req.Op != guestproto.OpDial:
		refuse(st, guestproto.CodeUnsupported, fmt.Sprintf("the host serves only %s on guest streams", guestproto.OpDial))
		return
	case guestproto.Decode(req.Args, &a) != nil:
		refuse(st, guestproto.CodeInvalid, "malformed dial request")
		return
	case a.Host == "" || len(a.Host) > maxDialHost || a.Port < 1 || a.Port > 65535 || len(a.CallID) > 128:
		refuse(st, guestproto.CodeInvalid, "bad host or port")
		return
	case fn == nil:
		refuse(st, guestproto.CodePermission, "this sandbox has no network access")
		return
	}
	_ = st.SetReadDeadline(time.Time{})
	conn, err := fn(ctx, a.CallID, a.Host, a.Port)
	if err != nil {
		msg := err.Error()
		if len(msg) > guestproto.MaxErrorMessage {
			msg = msg[:guestproto.MaxErrorMessage]
		}
		refuse(st, guestproto.CodePermission, msg)
		return
	}
	defer conn.Close()
	if err := guestproto.WriteMessage(st, guestproto.Response{}); err != nil {
		st.Close()
		return
	}
	relay(ctx, st, conn)
}

// relay copies bytes both ways until both directions end or ctx does.
func relay(ctx context.Context, st *yamux.Stream, conn net.Conn) {
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(conn, st)
		if cw, ok := conn.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(st, conn)
		_ = st.Close() // yamux: a half-close (FIN)
		done <- struct{}{}
	}()
	for n := 0; n < 2; n++ {
		select {
		case <-done:
		case <-ctx.Done():
			conn.Close()
			st.Close()
			return
		}
	}
}
