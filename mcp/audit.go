package mcp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/audit"
	"github.com/airlock-dev/airlock/tools"
)

// maxPreImage bounds the bytes of pre-images one call may keep; a call
// over it still runs (after approval) but cannot be undone, and the
// approval prompt says so.
const maxPreImage = 64 << 20

// openAudit starts the session's audit log, if the server keeps one.
func (s *Server) openAudit(ctx context.Context, sb *Sandbox) {
	if s.cfg.StateDir == "" {
		return
	}
	l, err := audit.Open(s.cfg.StateDir, audit.NewSessionID())
	if err != nil {
		s.log.Error("audit log unavailable; destructive calls will be refused", "err", err)
		sb.auditErr = err
		return
	}
	sb.audit = l
	var mounts []string
	for _, m := range sb.mounts {
		mode := "ro"
		if !m.ReadOnly {
			mode = "rw"
		}
		mounts = append(mounts, m.Path+":"+mode)
	}
	client, protocol := clientInfo(ctx)
	_, err = l.Append(audit.TypeSessionStart, map[string]any{
		"client":    client,
		"protocol":  protocol,
		"transport": sb.transport,
		"mounts":    mounts,
		"image":     s.cfg.VM.Image.ID,
		"policy":    s.policyDigest,
		"server":    s.cfg.Version,
	})
	if err != nil {
		s.log.Error("audit append", "err", err)
	}
}

func clientInfo(ctx context.Context) (client, protocol string) {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil {
		protocol = info.ProtocolVersion
		if info.ClientInfo != nil {
			client = info.ClientInfo.Name + " " + info.ClientInfo.Version
		}
	}
	if cs, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok && client == "" {
		ci := cs.GetClientInfo()
		client = ci.Name + " " + ci.Version
	}
	return client, protocol
}

func sandboxOf(c *tools.Call) *Sandbox {
	sb, _ := c.Env.Session.(*Sandbox)
	return sb
}

// journal is the tools.Hooks.Journal hook.
func (s *Server) journal(ctx context.Context, c *tools.Call, plan approvals.Plan) (func(), error) {
	sb := sandboxOf(c)
	if sb == nil || sb.audit == nil {
		if sb != nil && sb.auditErr != nil {
			return nil, sb.auditErr
		}
		return nil, nil
	}
	seq, err := sb.audit.Append(audit.TypeToolCall, map[string]any{
		"phase": "begin", "tool": c.Tool.Name, "args": redactArgs(c.Args), "plan": plan.Summary,
	})
	if err != nil {
		return nil, err
	}
	var changes []audit.Change
	for _, it := range plan.Items {
		if c.Tool.Name == "copy_file" && it.Role == "from" {
			continue // a copy's source is only read
		}
		t, err := sb.mounts.Resolve(it.Path)
		if err != nil {
			return nil, err
		}
		changes = append(changes, audit.Change{Mount: audit.Mount{Name: t.Mount.Name, Root: t.Mount.Real}, Path: t.Rel})
	}
	op, ok := journalOps[c.Tool.Name]
	if !ok {
		return nil, fmt.Errorf("no journal operation for tool %s", c.Tool.Name)
	}
	p, err := sb.audit.Before(seq, op, changes, maxPreImage)
	if err != nil {
		return nil, err
	}
	if !p.Undoable() {
		s.log.Warn("change cannot be undone: pre-image too large", "tool", c.Tool.Name, "paths", p.Unrecoverable())
	}
	return func() {
		if err := p.Commit(); err != nil {
			s.log.Error("journal commit", "err", err)
		}
	}, nil
}

// journalOps maps the tools that change files to journal operations.
var journalOps = map[string]string{
	"write_file":       audit.OpWrite,
	"edit_file":        audit.OpEdit,
	"delete_file":      audit.OpDelete,
	"move_file":        audit.OpMove,
	"copy_file":        audit.OpCopy,
	"create_directory": audit.OpMkdir,
}

// auditCall is the tools.Hooks.Audit hook: one record per finished call.
func (s *Server) auditCall(ctx context.Context, c *tools.Call, r *tools.Result, err error, took time.Duration) {
	sb := sandboxOf(c)
	if sb == nil || sb.audit == nil {
		return
	}
	rec := map[string]any{
		"phase":      "end",
		"tool":       c.Tool.Name,
		"args":       redactArgs(c.Args),
		"paths":      c.Paths,
		"durationMs": took.Milliseconds(),
		"ok":         err == nil && r != nil,
	}
	if err != nil {
		path := ""
		if len(c.Paths) > 0 {
			path = c.Paths[len(c.Paths)-1]
		}
		rec["error"] = tools.Explain(path, err)
	}
	if r != nil {
		rec["resultBytes"] = len(r.Text)
	} else if err == nil {
		rec["pendingApproval"] = true
	}
	if _, aerr := sb.audit.Append(audit.TypeToolCall, rec); aerr != nil {
		s.log.Error("audit append", "err", aerr)
	}
}

// recordApproval logs an approval decision in the session's audit log.
func (s *Server) recordApproval(ctx context.Context, r approvals.Record) {
	s.mu.Lock()
	sb := s.sandboxes[r.Session]
	s.mu.Unlock()
	if sb != nil && sb.audit != nil {
		if _, err := sb.audit.Append(audit.TypeApproval, r); err != nil {
			s.log.Error("audit append", "err", err)
		}
	}
	if s.cfg.OnApproval != nil {
		s.cfg.OnApproval(ctx, r)
	}
}

// contentKeys are argument fields that carry file contents: the log keeps
// their size and hash, never the text.
var contentKeys = map[string]bool{"content": true, "oldText": true, "newText": true}

// redactArgs returns the arguments with file contents replaced by size and
// SHA-256; paths and flags are kept.
func redactArgs(raw json.RawMessage) any {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return map[string]any{"unparsed": len(raw)}
	}
	return redact(v, "")
}

func redact(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = redact(e, k)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redact(e, key)
		}
		return out
	case string:
		if contentKeys[key] || len(x) > 4096 {
			sum := sha256.Sum256([]byte(x))
			return map[string]any{"bytes": len(x), "sha256": hex.EncodeToString(sum[:])}
		}
		return x
	}
	return v
}

// policyDigestOf identifies a policy in the session record.
func policyDigestOf(p approvals.Policy) string {
	b, _ := json.Marshal(p)
	sum := sha256.Sum256(b)
	return fmt.Sprintf("sha256:%x", sum[:8])
}
