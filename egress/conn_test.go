package egress

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestRateCap(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow, Deny: []string{"no.example.com"}, MaxDialsPerMinute: 3})
	for range 3 {
		mustDial(t, e, "example.com", 443).Close()
		e.clk.Advance(time.Second)
		// Refusals by the policy do not count.
		e.g.Dial(context.Background(), "c", "no.example.com", 443)
	}
	_, err := e.g.Dial(context.Background(), "c", "example.com", 443)
	wantDenied(t, e, err, "rate limit: more than 3 connections in the last minute")
	if !errors.Is(err, ErrRateLimit) {
		t.Errorf("err = %v, want ErrRateLimit", err)
	}
	if n := len(e.dial.Dialed()); n != 3 {
		t.Errorf("dialed %d times", n)
	}
	e.clk.Advance(56 * time.Second) // 59 s after the first
	if _, err := e.g.Dial(context.Background(), "c", "example.com", 443); !errors.Is(err, ErrRateLimit) {
		t.Errorf("err = %v, want ErrRateLimit", err)
	}
	e.clk.Advance(time.Second) // 60 s after the first
	mustDial(t, e, "example.com", 443).Close()
	if _, err := e.g.Dial(context.Background(), "c", "example.com", 443); !errors.Is(err, ErrRateLimit) {
		t.Errorf("err = %v, want ErrRateLimit", err)
	}
}

// raw is the byte-counting connection under the first-flight check, for
// tests of the caps with arbitrary bytes.
func raw(c net.Conn) *conn { return c.(*inspected).conn }

func TestByteCap(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow, MaxBytes: 10})
	c := raw(mustDial(t, e, "example.com", 443))
	peer := e.dial.Peer(0)
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(peer); got <- b }()

	if n, err := c.Write([]byte("abcdef")); n != 6 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	n, err := c.Write([]byte("ghijkl"))
	if n != 4 || !errors.Is(err, ErrByteLimit) {
		t.Fatalf("Write = %d, %v; want 4, ErrByteLimit", n, err)
	}
	if n, err := c.Read(make([]byte, 10)); n != 0 || !errors.Is(err, ErrByteLimit) {
		t.Fatalf("Read = %d, %v; want 0, ErrByteLimit", n, err)
	}
	// A second connection shares the spent budget, so it is not made.
	_, err = e.g.Dial(context.Background(), "c", "example.com", 443)
	wantDenied(t, e, err, "byte limit (10 bytes) is spent")
	if !errors.Is(err, ErrByteLimit) {
		t.Errorf("err = %v", err)
	}
	c.Close()
	if b := <-got; string(b) != "abcdefghij" {
		t.Errorf("peer got %q", b)
	}
	ds := e.rec.All()
	if d := ds[len(ds)-1]; d.Verdict != Closed || d.BytesOut != 10 || d.BytesIn != 0 || d.Reason != "session byte limit reached" {
		t.Errorf("closed decision %+v", d)
	}
}

func TestByteCapRead(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow, MaxBytes: 5})
	c := mustDial(t, e, "example.com", 443)
	defer c.Close()
	go e.dial.Peer(0).Write([]byte("hello world"))
	buf := make([]byte, 100)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	if _, err := c.Read(buf); !errors.Is(err, ErrByteLimit) {
		t.Fatalf("Read err = %v, want ErrByteLimit", err)
	}
}

func TestConnTimeCap(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow, MaxConnTime: 50 * time.Millisecond})
	c := raw(mustDial(t, e, "example.com", 443))
	// Neither clearing nor extending the deadline lifts the cap.
	c.SetDeadline(time.Time{})
	c.SetReadDeadline(time.Now().Add(time.Hour))
	_, err := c.Read(make([]byte, 1))
	if !errors.Is(err, ErrTimeLimit) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read err = %v, want ErrTimeLimit", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, ErrTimeLimit) {
		t.Fatalf("Write err = %v, want ErrTimeLimit", err)
	}
	c.Close()
	ds := e.rec.All()
	if d := ds[len(ds)-1]; d.Verdict != Closed || d.Reason != "connection time limit reached" {
		t.Errorf("closed decision %+v", d)
	}
}

// TestConnOwnDeadline: a deadline inside the cap is an ordinary deadline.
func TestConnOwnDeadline(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow})
	c := mustDial(t, e, "example.com", 443)
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	_, err := c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, ErrTimeLimit) {
		t.Fatalf("Read err = %v, want a plain deadline error", err)
	}
}

// TestCloseLogsOnce runs a real connection to a 127.0.0.1 listener that an
// exact-address rule allows, through the default LocalAddrs.
func TestCloseLogsOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	clk, rec := newClock(), &recorder{}
	g, err := NewGate(Policy{Allow: []string{"127.0.0.1:" + strconv.Itoa(port)}, Unknown: ModeDeny},
		Options{Dialer: &net.Dialer{}, Log: rec.Log, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()

	c, err := g.Dial(context.Background(), "call-7", "127.0.0.1", port)
	if err != nil {
		t.Fatal(err)
	}
	req := "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(c)
	if err != nil || string(b) != req {
		t.Fatalf("read %q, %v", b, err)
	}
	clk.Advance(3 * time.Second)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close = %v, want net.ErrClosed", err)
	}
	g.Close()

	ds := rec.All()
	if v := rec.Verdicts(); !slices.Equal(v, []Verdict{Allowed, Closed}) {
		t.Fatalf("verdicts %v", v)
	}
	lo := netip.MustParseAddr("127.0.0.1")
	want := Decision{Time: clk.Now(), Host: "127.0.0.1", Port: port, IP: lo, Verdict: Closed,
		BytesOut: int64(len(req)), BytesIn: int64(len(req)), Duration: 3 * time.Second, CallID: "call-7"}
	if ds[1] != want {
		t.Errorf("closed decision\n got %+v\nwant %+v", ds[1], want)
	}
	if d := ds[0]; d.IP != lo || d.Reason != "allowed by rule 127.0.0.1:"+strconv.Itoa(port) {
		t.Errorf("allowed decision %+v", d)
	}
}

// TestGateClose: closing the gate closes every open connection, each
// logging once, and refuses new dials.
func TestGateClose(t *testing.T) {
	e := newEnv(t, Policy{Unknown: ModeAllow})
	c1 := mustDial(t, e, "a.example.com", 443)
	c2 := mustDial(t, e, "b.example.com", 443)
	c1.Close() // already closed: not closed again
	e.g.Close()
	if _, err := e.dial.Peer(1).Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("peer read %v, want EOF", err)
	}
	if err := c2.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Close after Gate.Close = %v", err)
	}
	if v := e.rec.Verdicts(); !slices.Equal(v, []Verdict{Allowed, Allowed, Closed, Closed}) {
		t.Fatalf("verdicts %v", v)
	}
	if d := e.rec.All()[3]; d.Host != "b.example.com" || d.Reason != "session ended" {
		t.Errorf("decision %+v", d)
	}
	_, err := e.g.Dial(context.Background(), "c", "a.example.com", 443)
	wantDenied(t, e, err, "the session is closed")
	if !errors.Is(err, ErrClosed) {
		t.Errorf("err = %v", err)
	}
	if err := e.g.Close(); err != nil {
		t.Error(err)
	}
}
