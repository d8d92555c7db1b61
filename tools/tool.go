package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/vm/guestclient"
)

// Session is what tool calls run against: the user's mounts and the
// session's sandbox VM.
type Session interface {
	Mounts() Mounts
	// Agent returns the session VM's agent, booting the VM (or taking a
	// warm spare) on first use.
	Agent(ctx context.Context) (*guestclient.Client, error)
}

// Hooks are the pipeline's extension points. Nil hooks do nothing.
type Hooks struct {
	// Approve runs before any call that is not read-only. A non-nil
	// result replaces the tool's result (an approval request, or a
	// denial); the call then does not run.
	Approve func(ctx context.Context, c *Call) (*mcp.CallToolResult, error)
	// Scan inspects (and may rewrite) content that came from files or the
	// web before it reaches the model.
	Scan func(ctx context.Context, c *Call, r *Result)
	// Audit records every finished call.
	Audit func(ctx context.Context, c *Call, r *Result, err error, took time.Duration)
}

// Env is the per-session environment a call runs in.
type Env struct {
	Session Session
	Hooks   Hooks
	Log     *slog.Logger
}

// Result is what a handler returns.
type Result struct {
	Text       string        // the text the model reads
	Structured any           // structuredContent, if any
	Extra      []mcp.Content // further content blocks (images, audio)
	// Untrusted marks text that came from files or web pages: the
	// classifier scans it.
	Untrusted bool
}

// Annotations are the MCP tool hints.
type Annotations struct {
	ReadOnly, Destructive, Idempotent, OpenWorld bool
}

// Tool is one catalog entry.
type Tool struct {
	Name        string
	Title       string
	Description string
	Annotations Annotations
	InputSchema json.RawMessage
	run         func(ctx context.Context, c *Call) (Result, error)
}

// Call is one tool invocation moving through the pipeline.
type Call struct {
	Tool *Tool
	Args json.RawMessage
	Env  *Env
	// Paths are the host paths the call touches, filled in by Resolve.
	Paths []string
}

// Define makes a tool whose arguments bind to A. The input schema is
// generated from A with invopop/jsonschema.
func Define[A any](name, title, description string, ann Annotations, run func(ctx context.Context, c *Call, args A) (Result, error)) Tool {
	return Tool{
		Name: name, Title: title, Description: description, Annotations: ann,
		InputSchema: SchemaFor[A](),
		run: func(ctx context.Context, c *Call) (Result, error) {
			var args A
			raw := c.Args
			if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
				raw = []byte("{}")
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&args); err != nil {
				return Result{}, Userf("invalid arguments for %s: %v", name, err)
			}
			if v, ok := any(&args).(interface{ Validate() error }); ok {
				if err := v.Validate(); err != nil {
					return Result{}, err
				}
			}
			return run(ctx, c, args)
		},
	}
}

// MCPTool returns the tool's MCP definition.
func (t *Tool) MCPTool() mcp.Tool {
	tool := mcp.NewToolWithRawSchema(t.Name, t.Description, t.InputSchema)
	tool.Annotations = mcp.ToolAnnotation{
		Title:           t.Title,
		ReadOnlyHint:    mcp.ToBoolPtr(t.Annotations.ReadOnly),
		DestructiveHint: mcp.ToBoolPtr(t.Annotations.Destructive),
		IdempotentHint:  mcp.ToBoolPtr(t.Annotations.Idempotent),
		OpenWorldHint:   mcp.ToBoolPtr(t.Annotations.OpenWorld),
	}
	return tool
}

// Invoke runs the pipeline for one call and returns the MCP result. Tool
// failures are isError results; the error return is reserved for
// protocol-level failures (none today).
func (t *Tool) Invoke(ctx context.Context, env *Env, args json.RawMessage) *mcp.CallToolResult {
	c := &Call{Tool: t, Args: args, Env: env}
	log := env.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	if !t.Annotations.ReadOnly && env.Hooks.Approve != nil {
		if res, err := env.Hooks.Approve(ctx, c); err != nil || res != nil {
			if err != nil {
				res = mcp.NewToolResultError(Explain("", err))
			}
			if env.Hooks.Audit != nil {
				env.Hooks.Audit(ctx, c, nil, err, time.Since(start))
			}
			return res
		}
	}
	r, err := t.run(ctx, c)
	took := time.Since(start)
	if err == nil && r.Untrusted && env.Hooks.Scan != nil {
		env.Hooks.Scan(ctx, c, &r)
	}
	if env.Hooks.Audit != nil {
		env.Hooks.Audit(ctx, c, &r, err, took)
	}
	if err != nil {
		path := ""
		if len(c.Paths) > 0 {
			path = c.Paths[len(c.Paths)-1]
		}
		log.Info("tool failed", "tool", t.Name, "took", took, "err", err)
		return mcp.NewToolResultError(Explain(path, err))
	}
	log.Info("tool", "tool", t.Name, "took", took, "bytes", len(r.Text))
	res := &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(r.Text)}}
	res.Content = append(res.Content, r.Extra...)
	if r.Structured != nil {
		res.StructuredContent = r.Structured
	}
	return res
}

// Resolve maps a tool path to its mount, recording it for the audit log.
// With write set, a read-only mount is refused here, before the guest.
func (c *Call) Resolve(p string, write bool) (Target, error) {
	c.Paths = append(c.Paths, p)
	t, err := c.Env.Session.Mounts().Resolve(p)
	if err != nil {
		return t, err
	}
	if write && t.Mount.ReadOnly {
		return t, Userf("permission denied: %q is in a read-only folder (mounted without :rw)", p)
	}
	return t, nil
}

// Agent returns the session VM's agent.
func (c *Call) Agent(ctx context.Context) (*guestclient.Client, error) {
	a, err := c.Env.Session.Agent(ctx)
	if err != nil {
		return nil, &UserError{Msg: "the sandbox VM is not available: " + clip(err.Error()), Cause: err}
	}
	return a, nil
}

// describe is for logs.
func (c *Call) String() string { return fmt.Sprintf("%s %s", c.Tool.Name, c.Args) }
