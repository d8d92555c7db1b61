package mcp

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/egress"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// askServer is a fake-backend server whose egress policy asks about every
// host; nothing it is asked about can resolve, so no test here connects.
func askServer(t *testing.T) *Server {
	t.Helper()
	f := newFixture(t)
	ms, err := tools.NewMounts([]tools.Mount{{Path: f.proj}}, "")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Mounts: ms, Backend: &vmtest.Fake{}, VM: vm.Config{},
		Network: egress.Policy{Unknown: egress.ModeAsk}, Resolver: mapResolver{}})
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func netAnswer(allow bool) mcpgo.InputResponses {
	return mcpgo.InputResponses{netAskID: {Elicitation: &mcpgo.ElicitationResult{
		ElicitationResponse: mcpgo.ElicitationResponse{Action: mcpgo.ElicitationResponseActionAccept, Content: map[string]any{"allow": allow}}}}}
}

func TestNetworkQuestionIsBoundToSessionAndCall(t *testing.T) {
	s := askServer(t)
	args := map[string]any{"url": "http://unknown.example.org/"}
	ask := func(session string) string {
		t.Helper()
		r := s.invoke(t, session, "web_fetch", args, capable)
		if r.InputRequests == nil || r.RequestState == "" {
			t.Fatalf("want a network question, got %s", resultText(r))
		}
		return r.RequestState
	}
	// In order: the decline, last, is remembered for the session.
	for _, tc := range []struct {
		name    string
		session string
		state   func() string
		args    map[string]any
		want    string
	}{
		{"forged state", "s1", func() string { return netPrefix + "forged" }, args, "no such pending network question"},
		{"other session", "s2", func() string { return ask("s1") }, args, "no such pending network question"},
		{"other call", "s1", func() string { return ask("s1") }, map[string]any{"url": "http://unknown.example.org/x"}, "different call"},
		{"declined", "s1", func() string { return ask("s1") }, args, "declined access to unknown.example.org:80"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := tc.state()
			r := s.invoke(t, tc.session, "web_fetch", tc.args, tools.Elicit{Capable: true, State: state, Responses: netAnswer(tc.name != "declined")})
			if text := resultText(r); !r.IsError || !strings.Contains(text, tc.want) {
				t.Errorf("got %s, want an error containing %q", text, tc.want)
			}
		})
	}
	// After the decline, the host is refused without asking again.
	r := s.invoke(t, "s1", "web_fetch", args, capable)
	if r.InputRequests != nil || !strings.Contains(resultText(r), "declined it earlier") {
		t.Errorf("declined host asked again or not refused: %s", resultText(r))
	}
}

func TestNetworkQuestionNeedsElicitation(t *testing.T) {
	s := askServer(t)
	r := s.invoke(t, "s1", "web_fetch", map[string]any{"url": "https://unknown.example.org/"}, tools.Elicit{})
	if text := resultText(r); !r.IsError || !strings.Contains(text, "--allow-host unknown.example.org") {
		t.Errorf("want a refusal that says how to allow the host, got %s", text)
	}
}

func TestWebArgumentsChecked(t *testing.T) {
	s := askServer(t)
	for _, u := range []string{"file:///etc/passwd", "ftp://example.org/", "http://user:pw@example.org/", "http://", "javascript:alert(1)"} {
		r := s.invoke(t, "s1", "web_fetch", map[string]any{"url": u}, capable)
		if text := resultText(r); !r.IsError || !strings.Contains(text, "invalid URL") {
			t.Errorf("%s: %s", u, text)
		}
	}
	if r := s.invoke(t, "s1", "browser_find", map[string]any{"text": "x"}, capable); !r.IsError || !strings.Contains(resultText(r), "browser_navigate first") {
		t.Errorf("find without a page: %s", resultText(r))
	}
	if r := s.invoke(t, "s1", "browser_back", map[string]any{}, capable); !r.IsError || !strings.Contains(resultText(r), "no previous page") {
		t.Errorf("back without history: %s", resultText(r))
	}
}

// TestConnectionsBelongToTheirCall: the guest cannot connect outside a web
// call, and a connection is closed when its call ends.
func TestConnectionsBelongToTheirCall(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	f := newFixture(t)
	ms, _ := tools.NewMounts([]tools.Mount{{Path: f.proj}}, "")
	s := New(Config{Mounts: ms, Backend: &vmtest.Fake{}, Network: egress.Policy{Allow: []string{ln.Addr().String()}, Unknown: egress.ModeDeny}})
	defer s.Close(context.Background())
	sb := s.sandboxFor(context.WithValue(context.Background(), tokenKey{}, "s1"))
	e := sb.Egress().(*sessionEgress)
	port := ln.Addr().(*net.TCPAddr).Port
	ctx := context.Background()

	if _, err := e.dial(ctx, "no-such-call", "127.0.0.1", port); err == nil || !strings.Contains(err.Error(), "no web tool call") {
		t.Fatalf("dial outside a call: %v", err)
	}
	id, end, err := e.Begin(ctx, &tools.Call{Tool: &tools.Tool{Name: "web_fetch"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := e.dial(ctx, id, "127.0.0.1", port)
	if err != nil {
		t.Fatalf("dial in a call: %v", err)
	}
	peer := <-accepted
	defer peer.Close()
	end()
	peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := peer.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the connection outlived its call: peer read %v", err)
	}
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")); err == nil {
		t.Error("write after the call ended succeeded")
	}
	if _, err := e.dial(ctx, id, "127.0.0.1", port); err == nil {
		t.Error("dial with an ended call's id succeeded")
	}
}
