package mcp

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/audit"
	"github.com/airlock-dev/airlock/tools"
)

// releaseID names the elicitation that asks whether quarantined content
// may reach the model.
const releaseID = "airlock_release"

// heldPrefix starts the request state of a quarantine question, so the
// retried call is recognised before anything runs again.
const heldPrefix = "held."

// Bounds on what one server holds for unanswered questions.
const (
	maxHeldPerSession = 8
	maxHeldBytes      = 64 << 20
)

// heldResult is a flagged tool result waiting for the user's decision.
type heldResult struct {
	session string
	digest  [32]byte // tool and canonical arguments
	text    string   // what the model sees if released (wrapped, warned)
	meta    map[string]any
	paths   []string
	expires time.Time
}

// heldStore keeps quarantined results until the user answers or they
// expire. A result is taken at most once.
type heldStore struct {
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]*heldResult
	bytes   int
}

func newHeldStore(ttl time.Duration) *heldStore {
	return &heldStore{ttl: ttl, now: time.Now, entries: map[string]*heldResult{}}
}

var (
	errHeldUnknown  = errors.New("no such withheld result (it expired, was already answered, or was not this server's)")
	errHeldMismatch = errors.New("the answer was for a different call")
	errHeldFull     = errors.New("too many results are waiting for the user's decision")
)

func callDigest(tool string, args []byte) ([32]byte, error) {
	canon, err := approvals.Canonical(args)
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(append([]byte(tool+"\x00"), canon...)), nil
}

// put holds h and returns the request state that names it.
func (s *heldStore) put(h *heldResult) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	mine := 0
	for k, e := range s.entries {
		if now.After(e.expires) {
			s.drop(k)
			continue
		}
		if e.session == h.session {
			mine++
		}
	}
	if mine >= maxHeldPerSession || s.bytes+len(h.text) > maxHeldBytes {
		return "", errHeldFull
	}
	h.expires = now.Add(s.ttl)
	state := heldPrefix + rand.Text()
	s.entries[state] = h
	s.bytes += len(h.text)
	return state, nil
}

// take removes and returns the result state names, if it belongs to this
// session and call.
func (s *heldStore) take(state, session string, digest [32]byte) (*heldResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.entries[state]
	if h == nil || h.session != session || s.now().After(h.expires) {
		if h != nil && s.now().After(h.expires) {
			s.drop(state)
		}
		return nil, errHeldUnknown
	}
	if h.digest != digest {
		return nil, errHeldMismatch
	}
	s.drop(state)
	return h, nil
}

func (s *heldStore) drop(state string) {
	if h := s.entries[state]; h != nil {
		s.bytes -= len(h.text)
		delete(s.entries, state)
	}
}

// quarantine withholds a flagged result. When the client can ask the
// user, the result is held and the call answers with a question; the
// retried call (see resume) releases it or not. Otherwise the content
// stays withheld. r is left holding what the model was shown, for the
// audit log.
func (s *Server) quarantine(c *tools.Call, r *tools.Result, released string, score float64) *mcpgo.CallToolResult {
	what := c.Tool.Name
	if len(c.Paths) > 0 {
		what += " " + strings.Join(c.Paths, ", ")
	}
	withheld := func(why string) {
		r.Text = fmt.Sprintf("airlock withheld this content (%s): it looks like a prompt injection (score %.2f), and this session quarantines such content. %s",
			what, score, why)
		r.Structured = map[string]any{"content": r.Text, "withheld": true}
	}
	if !c.Elicit.Capable {
		withheld("This MCP client cannot ask the user, so it stays withheld. The user can open it directly, or restart airlock with --injection annotate.")
		return nil
	}
	digest, err := callDigest(c.Tool.Name, c.Args)
	if err != nil {
		withheld("It could not be held for the user's decision: " + err.Error())
		return nil
	}
	state, err := s.held.put(&heldResult{session: c.Session, digest: digest, text: released, meta: r.Meta, paths: append([]string(nil), c.Paths...)})
	if err != nil {
		withheld("It could not be held for the user's decision: " + err.Error() + ".")
		return nil
	}
	withheld("The user was asked whether to release it.")
	s.log.Info("content quarantined; asking the user", "tool", c.Tool.Name, "session", c.Session, "score", score)
	return server.NewInputRequestBuilder(state).
		Elicit(releaseID, mcpgo.ElicitationParams{
			Mode:            mcpgo.ElicitationModeForm,
			Message:         releaseMessage(c.Tool.Name, c.Paths, score, r.Meta),
			RequestedSchema: releaseSchema(),
		}).
		ToolResult()
}

// releaseMessage is the question shown to the user, with control
// characters escaped.
func releaseMessage(tool string, paths []string, score float64, meta map[string]any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "airlock withheld the result of %s", tool)
	if len(paths) > 0 {
		quoted := make([]string, len(paths))
		for i, p := range paths {
			quoted[i] = approvals.Quote(p)
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(quoted, ", "))
	}
	fmt.Fprintf(&b, ": it looks like a prompt injection (score %.2f).", score)
	if v, ok := meta["airlock/verdict"].(map[string]any); ok {
		if fs, ok := v["findings"].([]map[string]any); ok {
			for i, f := range fs {
				if i == 3 {
					break
				}
				fmt.Fprintf(&b, "\n- %s: %s", f["kind"], approvals.Quote(fmt.Sprint(f["reason"])))
			}
		}
	}
	b.WriteString("\nRelease it to the AI model? It will be shown with a warning.")
	return b.String()
}

func releaseSchema() any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"release": map[string]any{"type": "boolean", "title": "Release the content to the model", "default": false},
		},
		"required": []string{"release"},
	}
}

// resume is the tools.Hooks.Resume hook: it finishes a call that answers
// a quarantine question, without running the tool again.
func (s *Server) resume(ctx context.Context, c *tools.Call) *mcpgo.CallToolResult {
	if !strings.HasPrefix(c.Elicit.State, heldPrefix) {
		return nil
	}
	outcome, text := "withheld", ""
	var meta map[string]any
	var paths []string
	digest, err := callDigest(c.Tool.Name, c.Args)
	var h *heldResult
	if err == nil {
		h, err = s.held.take(c.Elicit.State, c.Session, digest)
	}
	ans := server.ElicitationResponse(c.Elicit.Responses, releaseID)
	switch {
	case err != nil:
		text = "airlock: the content stays withheld: " + err.Error() + "."
	case ans == nil || ans.Action != mcpgo.ElicitationResponseActionAccept:
		text = "airlock: the user chose not to release the withheld content; it was not shown."
		meta, paths = h.meta, h.paths
	case ans.Content == nil || !isTrue(ans.Content, "release"):
		text = "airlock: the user chose not to release the withheld content; it was not shown."
		meta, paths = h.meta, h.paths
	default:
		outcome, text, meta, paths = "released", h.text, h.meta, h.paths
	}
	if sb := sandboxOf(c); sb != nil && sb.audit != nil {
		rec := map[string]any{"tool": c.Tool.Name, "paths": paths, "quarantine": outcome, "by": "user via elicitation"}
		if err != nil {
			rec["reason"] = err.Error()
		}
		if _, aerr := sb.audit.Append(audit.TypeVerdict, rec); aerr != nil {
			s.log.Error("audit append", "err", aerr)
		}
	}
	s.log.Info("quarantine answered", "tool", c.Tool.Name, "session", c.Session, "outcome", outcome)
	res := &mcpgo.CallToolResult{Content: []mcpgo.Content{mcpgo.NewTextContent(text)}}
	res.StructuredContent = map[string]any{"content": text, "withheld": outcome != "released"}
	if meta != nil {
		res.Meta = &mcpgo.Meta{AdditionalFields: meta}
	}
	return res
}

// isTrue reports whether the answer's field is the boolean true (or the
// string "true", which some clients send for form checkboxes).
func isTrue(content any, field string) bool {
	m, ok := content.(map[string]any)
	if !ok {
		return false
	}
	switch v := m[field].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}
