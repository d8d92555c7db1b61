package egress

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// conn is the net.Conn Gate.Dial returns. It counts bytes against the
// session budget, enforces the connection time cap, and logs a Closed
// decision exactly once.
type conn struct {
	net.Conn
	g     *Gate
	d     Decision  // Host, Port, IP and CallID of the Closed entry
	start time.Time // Options.Now when the connection was made
	hard  time.Time // wall-clock end of the time cap (the net stack's clock)

	in, out atomic.Int64
	ending  atomic.Pointer[string] // why it ended, if not plainly closed

	once sync.Once
	err  error
}

var _ interface {
	net.Conn
	CloseWrite() error
} = (*conn)(nil)

func newConn(g *Gate, c net.Conn, d Decision) *conn {
	wc := &conn{Conn: c, g: g, d: d, start: g.now(), hard: time.Now().Add(g.p.MaxConnTime)}
	// An error here means the conn is already unusable; Read and Write
	// will say so.
	_ = c.SetDeadline(wc.hard)
	return wc
}

// Read reads from the destination, within the session's byte budget.
func (c *conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return c.Conn.Read(p)
	}
	got := c.g.budget.take(len(p))
	if got == 0 {
		return 0, c.byteLimit()
	}
	n, err := c.Conn.Read(p[:got])
	c.g.budget.giveBack(got - n)
	c.in.Add(int64(n))
	return n, c.timeLimit(err)
}

// Write writes to the destination, within the session's byte budget: if
// the budget holds less than len(p), it writes what fits and returns an
// error matching ErrByteLimit.
func (c *conn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return c.Conn.Write(p)
	}
	got := c.g.budget.take(len(p))
	if got == 0 {
		return 0, c.byteLimit()
	}
	n, err := c.Conn.Write(p[:got])
	c.g.budget.giveBack(got - n)
	c.out.Add(int64(n))
	if err != nil {
		return n, c.timeLimit(err)
	}
	if got < len(p) {
		return n, c.byteLimit()
	}
	return n, nil
}

// SetDeadline, SetReadDeadline and SetWriteDeadline cannot extend the
// connection past its time cap: a zero or later time means the cap.
func (c *conn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.clamp(t)) }
func (c *conn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.clamp(t)) }
func (c *conn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.clamp(t)) }

func (c *conn) clamp(t time.Time) time.Time {
	if t.IsZero() || t.After(c.hard) {
		return c.hard
	}
	return t
}

// CloseWrite half-closes the connection when the underlying one can (a
// TCP connection), so a proxy can pass on the guest's end of stream.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return errors.New("egress: connection does not support half-close")
}

// Close closes the connection and logs its Closed decision. Only the
// first call does anything; later calls return net.ErrClosed.
func (c *conn) Close() error {
	first := false
	c.once.Do(func() {
		first = true
		c.err = c.Conn.Close()
		c.g.forget(c)
		d := c.d
		d.Time = c.g.now()
		d.Verdict = Closed
		d.BytesOut, d.BytesIn = c.out.Load(), c.in.Load()
		d.Duration = d.Time.Sub(c.start)
		if r := c.ending.Load(); r != nil {
			d.Reason = *r
		}
		c.g.log(d)
	})
	if !first {
		return net.ErrClosed
	}
	return c.err
}

// end records why the connection ended; the first reason wins.
func (c *conn) end(reason string) { c.ending.CompareAndSwap(nil, &reason) }

func (c *conn) byteLimit() error {
	c.end("session byte limit reached")
	return fmt.Errorf("%w (%s)", ErrByteLimit, byteSize(c.g.p.MaxBytes))
}

// timeLimit turns a deadline error past the time cap into one that says
// so and matches both ErrTimeLimit and os.ErrDeadlineExceeded.
func (c *conn) timeLimit(err error) error {
	if err == nil || !errors.Is(err, os.ErrDeadlineExceeded) || time.Now().Before(c.hard) {
		return err
	}
	c.end("connection time limit reached")
	return fmt.Errorf("%w (%s): %w", ErrTimeLimit, c.g.p.MaxConnTime, err)
}
