package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/approvals"
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
	// Resume runs first, before the arguments are checked. A call that
	// carries the user's answer to a question an earlier hook asked after
	// running (see Scan) is finished here: a non-nil result is returned
	// as is, and the tool does not run again.
	Resume func(ctx context.Context, c *Call) *mcp.CallToolResult
	// Approve runs before any call whose tool has a planner. plan
	// describes what the call would do (it may be called again, to
	// re-check after the user answered). A non-nil result replaces the
	// tool's result (an approval request, or a denial) and the call does
	// not run; an error denies it with that message.
	Approve func(ctx context.Context, c *Call, plan func(context.Context) (approvals.Plan, error)) (*mcp.CallToolResult, error)
	// Journal runs after approval and before a planned call changes
	// anything: it records what the call will change (pre-images) and
	// returns a function to call once the call has finished. An error
	// stops the call: no journal, no change.
	Journal func(ctx context.Context, c *Call, plan approvals.Plan) (done func(), err error)
	// Scan inspects (and may rewrite) content that came from files or the
	// web before it reaches the model. A non-nil result replaces the
	// call's result (for example a question to the user before content is
	// released); r then holds what was recorded.
	Scan func(ctx context.Context, c *Call, r *Result) *mcp.CallToolResult
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
	// Meta goes into the result's _meta (the classifier's verdict).
	Meta map[string]any
	// Kind is Text's format for the scanner (text, markdown, html, code,
	// json); empty means guess from the file name.
	Kind string
	// Source is the content before the tool transformed it into Text (a
	// web page's HTML before it became markdown), and SourceKind its
	// format. The scanner classifies it too, so text the transformation
	// dropped as hidden still counts as evidence; it never reaches the
	// model.
	Source, SourceKind string
	// RemovedHidden counts hidden segments the tool itself removed.
	RemovedHidden int
	// Question, when set, is returned instead of any content: the tool
	// needs the user's answer first (an input request); the client
	// retries the call with it.
	Question *mcp.CallToolResult
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
	bind        func(raw json.RawMessage) (any, error)
	plan        func(ctx context.Context, c *Call, args any) (approvals.Plan, error)
	run         func(ctx context.Context, c *Call, args any) (Result, error)
}

// Call is one tool invocation moving through the pipeline.
type Call struct {
	Tool *Tool
	Args json.RawMessage
	Env  *Env
	// Session identifies the session (its sandbox) for approvals.
	Session string
	// Elicit is what the client offers for asking the user.
	Elicit Elicit
	// Paths are the host paths the call touches, filled in by Resolve.
	Paths []string
}

// Elicit describes the client's side of an approval round trip.
type Elicit struct {
	// Capable is true when the client declared form elicitation.
	Capable bool
	// Responses and State are the client's answers and the server's
	// echoed state on a retried call (multi round-trip requests).
	Responses mcp.InputResponses
	State     string
}

// Define makes a tool whose arguments bind to A. The input schema is
// generated from A with invopop/jsonschema.
func Define[A any](name, title, description string, ann Annotations, run func(ctx context.Context, c *Call, args A) (Result, error)) Tool {
	return Tool{
		Name: name, Title: title, Description: description, Annotations: ann,
		InputSchema: SchemaFor[A](),
		bind: func(raw json.RawMessage) (any, error) {
			var args A
			if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
				raw = []byte("{}")
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&args); err != nil {
				return nil, Userf("invalid arguments for %s: %v", name, err)
			}
			if v, ok := any(&args).(interface{ Validate() error }); ok {
				if err := v.Validate(); err != nil {
					return nil, err
				}
			}
			return args, nil
		},
		run: func(ctx context.Context, c *Call, args any) (Result, error) {
			return run(ctx, c, args.(A))
		},
	}
}

// WithPlan gives t a planner: before it runs, the call's effects are
// described and passed to the approval hook. The planner must only read.
func WithPlan[A any](t Tool, plan func(ctx context.Context, c *Call, args A) (approvals.Plan, error)) Tool {
	t.plan = func(ctx context.Context, c *Call, args any) (approvals.Plan, error) {
		return plan(ctx, c, args.(A))
	}
	return t
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
// failures are isError results.
func (t *Tool) Invoke(ctx context.Context, env *Env, c *Call) *mcp.CallToolResult {
	c.Tool, c.Env = t, env
	log := env.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	fail := func(r *Result, err error) *mcp.CallToolResult {
		took := time.Since(start)
		if env.Hooks.Audit != nil {
			env.Hooks.Audit(ctx, c, r, err, took)
		}
		path := ""
		if len(c.Paths) > 0 {
			path = c.Paths[len(c.Paths)-1]
		}
		log.Info("tool failed", "tool", t.Name, "took", took, "err", err)
		return mcp.NewToolResultError(Explain(path, err))
	}
	if env.Hooks.Resume != nil {
		if res := env.Hooks.Resume(ctx, c); res != nil {
			return res
		}
	}
	args, err := t.bind(c.Args)
	if err != nil {
		return fail(nil, err)
	}
	if t.plan != nil && env.Hooks.Approve != nil {
		res, err := env.Hooks.Approve(ctx, c, func(ctx context.Context) (approvals.Plan, error) {
			c.Paths = c.Paths[:0]
			return t.plan(ctx, c, args)
		})
		if err != nil {
			return fail(nil, err)
		}
		if res != nil {
			if env.Hooks.Audit != nil {
				env.Hooks.Audit(ctx, c, nil, nil, time.Since(start))
			}
			return res
		}
		c.Paths = c.Paths[:0]
	}
	if t.plan != nil && env.Hooks.Journal != nil {
		plan, err := t.plan(ctx, c, args)
		if err != nil {
			return fail(nil, err)
		}
		c.Paths = c.Paths[:0]
		done, err := env.Hooks.Journal(ctx, c, plan)
		if err != nil {
			log.Error("journal before change", "tool", t.Name, "err", err)
			return fail(nil, &UserError{Msg: "could not journal the change, so nothing was changed; see the server log", Cause: err})
		}
		if done != nil {
			defer done()
		}
	}
	r, err := t.run(ctx, c, args)
	if err != nil {
		return fail(nil, err)
	}
	if r.Question != nil {
		if env.Hooks.Audit != nil {
			env.Hooks.Audit(ctx, c, nil, nil, time.Since(start))
		}
		return r.Question
	}
	took := time.Since(start)
	var replaced *mcp.CallToolResult
	if r.Untrusted && env.Hooks.Scan != nil {
		replaced = env.Hooks.Scan(ctx, c, &r)
	}
	if env.Hooks.Audit != nil {
		env.Hooks.Audit(ctx, c, &r, nil, took)
	}
	if replaced != nil {
		log.Info("tool result held", "tool", t.Name, "took", took)
		return replaced
	}
	log.Info("tool", "tool", t.Name, "took", took, "bytes", len(r.Text))
	res := &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(r.Text)}}
	res.Content = append(res.Content, r.Extra...)
	if r.Structured != nil {
		res.StructuredContent = r.Structured
	}
	if len(r.Meta) > 0 {
		res.Meta = &mcp.Meta{AdditionalFields: r.Meta}
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

// Target resolves a tool path (see Resolve) and returns the session VM's
// agent with it: the first two steps of nearly every file tool.
func (c *Call) Target(ctx context.Context, p string, write bool) (Target, *guestclient.Client, error) {
	t, err := c.Resolve(p, write)
	if err != nil {
		return t, nil, err
	}
	a, err := c.Agent(ctx)
	return t, a, err
}

// Agent returns the session VM's agent.
func (c *Call) Agent(ctx context.Context) (*guestclient.Client, error) {
	a, err := c.Env.Session.Agent(ctx)
	if err != nil {
		return nil, &UserError{Msg: "the sandbox VM is not available: " + clip(err.Error()), Cause: err}
	}
	return a, nil
}
