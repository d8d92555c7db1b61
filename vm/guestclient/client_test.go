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

const token = "00112233445566778899aabbccddeeff"

// hostileGuest answers the handshake (honestly unless told otherwise) and
// then answers every stream with respond.
type hostileGuest struct {
	badMAC   bool
	version  int
	respond  func(st net.Conn, req guestproto.Request)
	helloFix func(*guestproto.HelloReply)
	// sessions, if set, receives the guest's side of the mux so a test
	// can open streams to the host, as a guest dialling out does.
	sessions chan *yamux.Session
}

func (g hostileGuest) run(t *testing.T, conn net.Conn) {
	var h guestproto.Hello
	if err := guestproto.ReadMessage(conn, &h); err != nil {
		return
	}
	r := guestproto.HelloReply{Version: guestproto.Version, AgentVersion: "hostile", MAC: guestproto.ComputeMAC(token, h.Nonce)}
	if g.badMAC {
		r.MAC = guestproto.ComputeMAC("wrong", h.Nonce)
	}
	if g.version != 0 {
		r.Version = g.version
	}
	if g.helloFix != nil {
		g.helloFix(&r)
	}
	if err := guestproto.WriteMessage(conn, r); err != nil {
		return
	}
	cfg := yamux.DefaultConfig()
	cfg.LogOutput = io.Discard
	sess, err := yamux.Server(conn, cfg)
	if err != nil {
		return
	}
	if g.sessions != nil {
		g.sessions <- sess
	}
	for {
		st, err := sess.AcceptStream()
		if err != nil {
			return
		}
		go func() {
			defer st.Close()
			var req guestproto.Request
			if guestproto.ReadMessage(st, &req) == nil && g.respond != nil {
				g.respond(st, req)
			}
		}()
	}
}

func connect(t *testing.T, g hostileGuest) (*Client, error) {
	host, guest := net.Pipe()
	go g.run(t, guest)
	t.Cleanup(func() { host.Close(); guest.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return Handshake(ctx, host, token)
}

func TestHandshakeRejectsImpostorAndSkew(t *testing.T) {
	if _, err := connect(t, hostileGuest{badMAC: true}); !errors.Is(err, ErrAuth) {
		t.Errorf("bad MAC: err = %v, want ErrAuth", err)
	}
	if _, err := connect(t, hostileGuest{version: guestproto.Version + 1}); !errors.Is(err, ErrVersion) {
		t.Errorf("version skew: err = %v, want ErrVersion", err)
	}
	_, err := connect(t, hostileGuest{helloFix: func(r *guestproto.HelloReply) {
		r.Mounts = make([]guestproto.Mount, 1000)
	}})
	if !errors.Is(err, guestproto.ErrFrame) {
		t.Errorf("oversized mount list: err = %v, want ErrFrame", err)
	}
}

func TestHandshakeTimesOutOnSilentGuest(t *testing.T) {
	host, guest := net.Pipe()
	defer host.Close()
	defer guest.Close()
	go io.Copy(io.Discard, guest) // reads the hello, never answers
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Handshake(ctx, host, token)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("handshake took %v despite a 200ms deadline", d)
	}
}

func TestProtocolLiesDropTheChannel(t *testing.T) {
	lies := map[string]func(st net.Conn, req guestproto.Request){
		"unknown error code": func(st net.Conn, _ guestproto.Request) {
			guestproto.WriteMessage(st, guestproto.Response{Error: &guestproto.Error{Code: "approved_by_user"}})
		},
		"error with result": func(st net.Conn, _ guestproto.Request) {
			guestproto.WriteMessage(st, guestproto.Response{Error: &guestproto.Error{Code: guestproto.CodeNotFound}, Result: json.RawMessage(`{}`)})
		},
		"unknown field": func(st net.Conn, _ guestproto.Request) {
			guestproto.WriteFrame(st, guestproto.KindMessage, []byte(`{"result":{"payload":"ping"},"approved":true}`))
		},
		"oversized frame": func(st net.Conn, _ guestproto.Request) {
			st.Write([]byte{0x7f, 0xff, 0xff, 0xff, 'M'})
		},
		"payload where none belongs": func(st net.Conn, _ guestproto.Request) {
			guestproto.WriteMessage(st, guestproto.Response{Result: json.RawMessage(`{"payload":"ping"}`), Data: true})
		},
	}
	for name, lie := range lies {
		t.Run(name, func(t *testing.T) {
			c, err := connect(t, hostileGuest{respond: lie})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := c.Ping(ctx); err == nil {
				t.Fatal("lie accepted")
			}
			select {
			case <-c.Done():
			case <-time.After(2 * time.Second):
				t.Fatal("channel still open after a protocol violation")
			}
			if _, err := c.Ping(ctx); !errors.Is(err, ErrClosed) {
				t.Errorf("call after violation: err = %v, want ErrClosed", err)
			}
		})
	}
}

func TestReadFileRejectsMoreThanAsked(t *testing.T) {
	c, err := connect(t, hostileGuest{respond: func(st net.Conn, _ guestproto.Request) {
		guestproto.WriteMessage(st, guestproto.Response{Result: json.RawMessage(`{"size":10}`), Data: true})
		guestproto.WriteData(st, strings.NewReader(strings.Repeat("x", 5000)))
	}})
	if err != nil {
		t.Fatal(err)
	}
	var sink strings.Builder
	n, err := c.ReadFile(context.Background(), guestproto.ReadArgs{PathArgs: guestproto.PathArgs{Mount: "m", Path: "f"}, Limit: 100}, &sink)
	if err == nil {
		t.Fatal("oversized read accepted")
	}
	if n > 100 || sink.Len() > 100 {
		t.Errorf("accepted %d bytes past a limit of 100", sink.Len())
	}
}

func TestCallHonoursDeadlineOnStalledGuest(t *testing.T) {
	c, err := connect(t, hostileGuest{respond: func(st net.Conn, _ guestproto.Request) {
		time.Sleep(10 * time.Second) // never answers in time
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Ping(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("call took %v despite a 300ms deadline", d)
	}
	// A stalled call is not a protocol violation: the channel stays up.
	select {
	case <-c.Done():
		t.Error("channel dropped after a timeout")
	default:
	}
}
