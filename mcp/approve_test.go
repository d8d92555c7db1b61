package mcp

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// gateServer is a server on the fake backend, driven below the transport
// so tests can forge and replay what a client sends.
func gateServer(t *testing.T, policy *approvals.Policy) (*Server, fixture) {
	f := newFixture(t)
	ms, err := tools.NewMounts([]tools.Mount{{Path: f.proj}, {Path: f.docs, ReadOnly: true}}, "")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Mounts: ms, Backend: &vmtest.Fake{}, VM: vm.Config{}, Policy: policy})
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, f
}

func (s *Server) invoke(t *testing.T, session, tool string, args map[string]any, e tools.Elicit) *mcpgo.CallToolResult {
	t.Helper()
	var tl *tools.Tool
	for i := range s.tools {
		if s.tools[i].Name == tool {
			tl = &s.tools[i]
		}
	}
	raw, _ := json.Marshal(args)
	sb := s.sandboxFor(context.WithValue(context.Background(), tokenKey{}, session))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return tl.Invoke(ctx, &tools.Env{Session: sb, Hooks: s.hooks, Log: s.log}, &tools.Call{Args: raw, Session: sb.key, Elicit: e})
}

func answer(action mcpgo.ElicitationResponseAction, content any) mcpgo.InputResponses {
	return mcpgo.InputResponses{approvalID: {Elicitation: &mcpgo.ElicitationResult{
		ElicitationResponse: mcpgo.ElicitationResponse{Action: action, Content: content}}}}
}

func accept(choice string) mcpgo.InputResponses {
	return answer(mcpgo.ElicitationResponseActionAccept, map[string]any{"decision": choice})
}

var capable = tools.Elicit{Capable: true}

func resultText(r *mcpgo.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		if tc, ok := c.(mcpgo.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// ask makes the first round of a call and returns the request state the
// server handed out.
func ask(t *testing.T, s *Server, session, tool string, args map[string]any) string {
	t.Helper()
	r := s.invoke(t, session, tool, args, capable)
	if !r.NeedsInput() {
		t.Fatalf("%s %v did not ask for approval: %s", tool, args, resultText(r))
	}
	if _, ok := r.InputRequests[approvalID]; !ok || r.RequestState == "" {
		t.Fatalf("input request malformed: %+v", r.MultiRoundTripResult)
	}
	return r.RequestState
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

func TestApprovalAnswers(t *testing.T) {
	del := func(p string) map[string]any { return map[string]any{"path": p} }
	t.Run("accept deletes", func(t *testing.T) {
		s, f := gateServer(t, nil)
		p := filepath.Join(f.proj, "notes.txt")
		state := ask(t, s, "s1", "delete_file", del(p))
		if !exists(p) {
			t.Fatal("deleted before the answer")
		}
		r := s.invoke(t, "s1", "delete_file", del(p), tools.Elicit{Capable: true, Responses: accept("allow_once"), State: state})
		if r.IsError || exists(p) {
			t.Fatalf("accepted delete: isError=%v exists=%v: %s", r.IsError, exists(p), resultText(r))
		}
	})
	for name, resp := range map[string]mcpgo.InputResponses{
		"decline":          answer(mcpgo.ElicitationResponseActionDecline, nil),
		"cancel":           answer(mcpgo.ElicitationResponseActionCancel, nil),
		"deny choice":      accept("deny"),
		"malformed answer": answer(mcpgo.ElicitationResponseActionAccept, map[string]any{"decision": "yes"}),
		"extra field":      answer(mcpgo.ElicitationResponseActionAccept, map[string]any{"decision": "allow_once", "approved": true}),
		"wrong type":       answer(mcpgo.ElicitationResponseActionAccept, map[string]any{"decision": true}),
		"no answer":        nil,
	} {
		t.Run(name+" leaves the file", func(t *testing.T) {
			s, f := gateServer(t, nil)
			p := filepath.Join(f.proj, "notes.txt")
			state := ask(t, s, "s1", "delete_file", del(p))
			r := s.invoke(t, "s1", "delete_file", del(p), tools.Elicit{Capable: true, Responses: resp, State: state})
			if !r.IsError || !exists(p) {
				t.Fatalf("isError=%v exists=%v: %s", r.IsError, exists(p), resultText(r))
			}
		})
	}
	t.Run("no capability explains how to approve", func(t *testing.T) {
		s, f := gateServer(t, nil)
		p := filepath.Join(f.proj, "notes.txt")
		r := s.invoke(t, "s1", "delete_file", del(p), tools.Elicit{})
		if !r.IsError || !exists(p) || !strings.Contains(resultText(r), "--approve delete") {
			t.Fatalf("isError=%v exists=%v: %s", r.IsError, exists(p), resultText(r))
		}
	})
	t.Run("unasked answer is refused", func(t *testing.T) {
		s, f := gateServer(t, nil)
		p := filepath.Join(f.proj, "notes.txt")
		for _, state := range []string{"", "forged-state", strings.Repeat("a", 100)} {
			r := s.invoke(t, "s1", "delete_file", del(p), tools.Elicit{Capable: true, Responses: accept("allow_once"), State: state})
			if !r.IsError || !exists(p) {
				t.Fatalf("state %q: isError=%v exists=%v: %s", state, r.IsError, exists(p), resultText(r))
			}
		}
	})
	t.Run("replayed answer is refused", func(t *testing.T) {
		s, f := gateServer(t, nil)
		p := filepath.Join(f.proj, "notes.txt")
		state := ask(t, s, "s1", "delete_file", del(p))
		e := tools.Elicit{Capable: true, Responses: accept("allow_once"), State: state}
		if r := s.invoke(t, "s1", "delete_file", del(p), e); r.IsError {
			t.Fatal(resultText(r))
		}
		os.WriteFile(p, []byte("again\n"), 0o644)
		if r := s.invoke(t, "s1", "delete_file", del(p), e); !r.IsError || !exists(p) {
			t.Fatalf("replay: isError=%v exists=%v", r.IsError, exists(p))
		}
	})
	t.Run("answer for other arguments or session is refused", func(t *testing.T) {
		s, f := gateServer(t, nil)
		a, b := filepath.Join(f.proj, "notes.txt"), filepath.Join(f.proj, "README.md")
		state := ask(t, s, "s1", "delete_file", del(a))
		if r := s.invoke(t, "s1", "delete_file", del(b), tools.Elicit{Capable: true, Responses: accept("allow_once"), State: state}); !r.IsError || !exists(b) {
			t.Fatalf("other args: %s", resultText(r))
		}
		state = ask(t, s, "s1", "delete_file", del(a))
		if r := s.invoke(t, "s2", "delete_file", del(a), tools.Elicit{Capable: true, Responses: accept("allow_once"), State: state}); !r.IsError || !exists(a) {
			t.Fatalf("other session: %s", resultText(r))
		}
	})
	t.Run("expired approval is refused", func(t *testing.T) {
		p := approvals.DefaultPolicy()
		p.Timeout = approvals.Duration(50 * time.Millisecond)
		s, f := gateServer(t, &p)
		path := filepath.Join(f.proj, "notes.txt")
		state := ask(t, s, "s1", "delete_file", del(path))
		time.Sleep(100 * time.Millisecond)
		if r := s.invoke(t, "s1", "delete_file", del(path), tools.Elicit{Capable: true, Responses: accept("allow_once"), State: state}); !r.IsError || !exists(path) {
			t.Fatalf("expired: %s", resultText(r))
		}
	})
	t.Run("file swapped after approval is refused", func(t *testing.T) {
		s, f := gateServer(t, nil)
		p := filepath.Join(f.proj, "notes.txt")
		state := ask(t, s, "s1", "delete_file", del(p))
		os.Remove(p)
		os.WriteFile(p, []byte("a different and larger file\n"), 0o644)
		r := s.invoke(t, "s1", "delete_file", del(p), tools.Elicit{Capable: true, Responses: accept("allow_once"), State: state})
		if !r.IsError || !exists(p) || !strings.Contains(resultText(r), "changed") {
			t.Fatalf("swap: isError=%v exists=%v: %s", r.IsError, exists(p), resultText(r))
		}
	})
}

func TestApprovalSessionGrantAndConcurrency(t *testing.T) {
	s, f := gateServer(t, nil)
	a, b, c := filepath.Join(f.proj, "notes.txt"), filepath.Join(f.proj, "README.md"), filepath.Join(f.proj, "src/util.go")
	state := ask(t, s, "s1", "delete_file", map[string]any{"path": a})
	if r := s.invoke(t, "s1", "delete_file", map[string]any{"path": a}, tools.Elicit{Capable: true, Responses: accept("allow_session"), State: state}); r.IsError {
		t.Fatal(resultText(r))
	}
	// The same kind in the same session: no prompt.
	if r := s.invoke(t, "s1", "delete_file", map[string]any{"path": b}, capable); r.IsError || r.NeedsInput() || exists(b) {
		t.Fatalf("second delete after allow_session: needsInput=%v: %s", r.NeedsInput(), resultText(r))
	}
	// Another kind still asks; another session still asks.
	ask(t, s, "s1", "write_file", map[string]any{"path": c, "content": "x"})
	ask(t, s, "s2", "delete_file", map[string]any{"path": c})

	// Two pending approvals answered out of order each do their own work.
	s2, f2 := gateServer(t, nil)
	x, y := filepath.Join(f2.proj, "notes.txt"), filepath.Join(f2.proj, "README.md")
	sx := ask(t, s2, "s1", "delete_file", map[string]any{"path": x})
	sy := ask(t, s2, "s1", "write_file", map[string]any{"path": y, "content": "new readme\n"})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		s2.invoke(t, "s1", "write_file", map[string]any{"path": y, "content": "new readme\n"}, tools.Elicit{Capable: true, Responses: accept("allow_once"), State: sy})
	}()
	go func() {
		defer wg.Done()
		s2.invoke(t, "s1", "delete_file", map[string]any{"path": x}, tools.Elicit{Capable: true, Responses: answer(mcpgo.ElicitationResponseActionDecline, nil), State: sx})
	}()
	wg.Wait()
	if got, _ := os.ReadFile(y); string(got) != "new readme\n" {
		t.Errorf("approved overwrite did not happen: %q", got)
	}
	if !exists(x) {
		t.Error("declined delete happened")
	}
}

func TestApprovalPolicy(t *testing.T) {
	p := approvals.DefaultPolicy()
	p.PreApproved = []approvals.Kind{approvals.KindDelete}
	s, f := gateServer(t, &p)
	notes := filepath.Join(f.proj, "notes.txt")
	if r := s.invoke(t, "s1", "delete_file", map[string]any{"path": notes}, tools.Elicit{}); r.IsError || exists(notes) {
		t.Fatalf("pre-approved delete: %s", resultText(r))
	}
	// A new file needs no approval; a sensitive path is denied outright.
	if r := s.invoke(t, "s1", "write_file", map[string]any{"path": filepath.Join(f.proj, "new.txt"), "content": "x"}, tools.Elicit{}); r.IsError {
		t.Fatalf("new file: %s", resultText(r))
	}
	os.MkdirAll(filepath.Join(f.proj, ".git/hooks"), 0o755)
	hook := filepath.Join(f.proj, ".git/hooks/pre-commit")
	if r := s.invoke(t, "s1", "write_file", map[string]any{"path": hook, "content": "#!/bin/sh\ncurl evil\n"}, capable); !r.IsError || exists(hook) {
		t.Fatalf("write to .git/hooks: isError=%v exists=%v: %s", r.IsError, exists(hook), resultText(r))
	}
}
