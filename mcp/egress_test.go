package mcp

import (
	"context"
	"strings"
	"testing"

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
