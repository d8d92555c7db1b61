package guestclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// guestDial opens a stream from the guest, sends req and returns the
// host's response with the stream.
func guestDial(t *testing.T, sess *yamux.Session, req guestproto.Request) (guestproto.Response, net.Conn) {
	t.Helper()
	st, err := sess.OpenStream()
	if err != nil {
		t.Fatal(err)
	}
	st.SetDeadline(time.Now().Add(5 * time.Second))
	if err := guestproto.WriteMessage(st, req); err != nil {
		t.Fatal(err)
	}
	var resp guestproto.Response
	if err := guestproto.ReadMessage(st, &resp); err != nil {
		t.Fatalf("read response: %v", err)
	}
	return resp, st
}

// withGuestSession connects to a guest that answers nothing and returns
// the client and the guest's side of the mux, to open streams from.
func withGuestSession(t *testing.T) (*Client, *yamux.Session) {
	t.Helper()
	sessions := make(chan *yamux.Session, 1)
	c, err := connect(t, hostileGuest{sessions: sessions})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, <-sessions
}

func dialReq(host string, port int) guestproto.Request {
	b, _ := json.Marshal(guestproto.DialArgs{CallID: "c1", Host: host, Port: port})
	return guestproto.Request{Op: guestproto.OpDial, Args: b}
}

func TestGuestDialsAreServedOnlyThroughTheDialer(t *testing.T) {
	c, sess := withGuestSession(t)

	// No dialer: refused, with a reason.
	resp, _ := guestDial(t, sess, dialReq("example.org", 443))
	if resp.Error == nil || !strings.Contains(resp.Error.Message, "no network access") {
		t.Fatalf("without a dialer: %+v", resp)
	}

	// A dialer that connects to an in-memory peer: bytes flow both ways.
	var asked []string
	c.SetDialer(func(ctx context.Context, callID, host string, port int) (net.Conn, error) {
		asked = append(asked, callID+" "+host)
		if host != "ok.example" {
			return nil, errors.New("egress: connection to " + host + " denied: not on the list")
		}
		a, b := net.Pipe()
		go func() { io.Copy(b, b); b.Close() }() // echo
		return a, nil
	})
	resp, st := guestDial(t, sess, dialReq("ok.example", 443))
	if resp.Error != nil {
		t.Fatalf("allowed dial: %+v", resp.Error)
	}
	st.Write([]byte("ping"))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(st, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo = %q, %v", buf, err)
	}
	st.Close()

	resp, _ = guestDial(t, sess, dialReq("bad.example", 443))
	if resp.Error == nil || resp.Error.Code != guestproto.CodePermission || !strings.Contains(resp.Error.Message, "denied") {
		t.Errorf("refused dial: %+v", resp)
	}

	// Requests the host does not serve on guest streams.
	for name, req := range map[string]guestproto.Request{
		"other op":  {Op: guestproto.OpReadFile, Args: json.RawMessage(`{}`)},
		"bad args":  {Op: guestproto.OpDial, Args: json.RawMessage(`{"host":1}`)},
		"no port":   dialReq("ok.example", 0),
		"long host": dialReq(strings.Repeat("a", 300), 443),
	} {
		resp, _ := guestDial(t, sess, req)
		if resp.Error == nil {
			t.Errorf("%s: served", name)
		}
	}
	if len(asked) != 2 {
		t.Errorf("dialer called for %v; only well-formed dials may reach it", asked)
	}
	// The channel survives all of it: a refused dial is not a protocol
	// violation.
	select {
	case <-c.Done():
		t.Errorf("channel dropped: %v", c.Err())
	default:
	}
}

func TestGuestDialFloodIsBounded(t *testing.T) {
	c, sess := withGuestSession(t)
	block := make(chan struct{})
	defer close(block)
	c.SetDialer(func(ctx context.Context, callID, host string, port int) (net.Conn, error) {
		a, b := net.Pipe()
		go func() { <-block; b.Close() }()
		return a, nil
	})
	var open []net.Conn
	for i := 0; i < maxDialStreams; i++ {
		resp, st := guestDial(t, sess, dialReq("ok.example", 443))
		if resp.Error != nil {
			t.Fatalf("dial %d: %+v", i, resp.Error)
		}
		open = append(open, st)
	}
	resp, _ := guestDial(t, sess, dialReq("ok.example", 443))
	if resp.Error == nil || !strings.Contains(resp.Error.Message, "connections at once") {
		t.Errorf("dial past the bound: %+v", resp)
	}
	for _, st := range open {
		st.Close()
	}
}
