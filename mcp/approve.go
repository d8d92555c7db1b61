package mcp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/tools"
)

// approvalID names the one elicitation an approval round trip carries.
const approvalID = "airlock_approval"

// gate is the approval hook: it plans the call, asks the policy, and when
// the policy says ask, asks the user through elicitation (a multi
// round-trip input request, which mcp-go bridges to elicitation/create for
// legacy clients). Answers are accepted only for a pending approval this
// server created for exactly this session, tool and arguments.
type gate struct {
	// undoable reports whether the journal will be able to undo plan.
	undoable func(approvals.Plan) bool
	policy   approvals.Policy
	store    *approvals.Store
	grants   *approvals.Grants
	record   func(ctx context.Context, r approvals.Record)
	log      *slog.Logger
}

func newGate(p approvals.Policy, log *slog.Logger, record func(context.Context, approvals.Record)) *gate {
	if record == nil {
		record = func(context.Context, approvals.Record) {}
	}
	return &gate{policy: p, store: approvals.NewStore(p.Timeout.Std()), grants: approvals.NewGrants(), record: record, log: log}
}

func (g *gate) approve(ctx context.Context, c *tools.Call, planFn func(context.Context) (approvals.Plan, error)) (*mcpgo.CallToolResult, error) {
	ans := server.ElicitationResponse(c.Elicit.Responses, approvalID)
	if ans != nil || c.Elicit.State != "" {
		return g.answered(ctx, c, ans, planFn)
	}
	plan, err := planFn(ctx)
	if err != nil {
		return nil, err
	}
	if g.undoable != nil {
		plan.Undoable = g.undoable(plan)
	}
	rec := approvals.Record{Time: time.Now(), Session: c.Session, Tool: c.Tool.Name, Plan: plan}
	action, reason := g.policy.Decide(plan, func(k approvals.Kind) bool { return g.grants.Has(c.Session, k) })
	switch action {
	case approvals.Allow:
		if reason != "" {
			rec.Allowed, rec.By, rec.Reason = true, "policy", reason
			g.record(ctx, rec)
		}
		return nil, nil
	case approvals.Deny:
		rec.By, rec.Reason = "policy", reason
		g.record(ctx, rec)
		return nil, tools.Userf("denied by policy: %s", reason)
	}
	if !c.Elicit.Capable {
		rec.By, rec.Reason = "no elicitation capability", "client cannot ask the user"
		g.record(ctx, rec)
		return nil, tools.Userf("this call needs the user's approval (%s), but this MCP client cannot ask (it does not support elicitation). "+
			"To allow it anyway, restart airlock with --approve %s, or use a client that supports elicitation.", plan.Summary, kindList(plan.Kinds))
	}
	state, err := g.store.Put(c.Session, c.Tool.Name, c.Args, plan)
	if err != nil {
		return nil, tools.Userf("cannot ask for approval: %v", err)
	}
	rec.Asked = true
	g.log.Info("asking the user", "tool", c.Tool.Name, "session", c.Session, "kinds", plan.Kinds)
	return server.NewInputRequestBuilder(state).
		Elicit(approvalID, mcpgo.ElicitationParams{
			Mode:            mcpgo.ElicitationModeForm,
			Message:         approvals.Message(plan),
			RequestedSchema: approvals.RequestedSchema(),
		}).
		ToolResult(), nil
}

// answered handles the retried call that carries the user's answer.
func (g *gate) answered(ctx context.Context, c *tools.Call, ans *mcpgo.ElicitationResult, planFn func(context.Context) (approvals.Plan, error)) (*mcpgo.CallToolResult, error) {
	rec := approvals.Record{Time: time.Now(), Session: c.Session, Tool: c.Tool.Name, Asked: true, By: "user via elicitation"}
	deny := func(msg string, args ...any) (*mcpgo.CallToolResult, error) {
		rec.Reason = fmt.Sprintf(msg, args...)
		g.record(ctx, rec)
		g.log.Info("approval refused", "tool", c.Tool.Name, "session", c.Session, "reason", rec.Reason)
		return nil, tools.Userf("not approved: %s; nothing was changed", rec.Reason)
	}
	plan, err := g.store.Take(c.Session, c.Tool.Name, c.Args, c.Elicit.State)
	if err != nil {
		switch {
		case errors.Is(err, approvals.ErrExpired):
			return deny("the approval request expired")
		case errors.Is(err, approvals.ErrMismatch):
			return deny("the answer was for a different call")
		default:
			return deny("no such pending approval (answers must come from this server's own request)")
		}
	}
	rec.Plan = plan
	if ans == nil {
		return deny("no answer")
	}
	switch ans.Action {
	case mcpgo.ElicitationResponseActionAccept:
	case mcpgo.ElicitationResponseActionDecline:
		rec.Answer = approvals.DenyChoice
		return deny("the user declined")
	default:
		return deny("the user cancelled")
	}
	choice, err := approvals.ParseAnswer(ans.Content)
	if err != nil {
		return deny("malformed answer")
	}
	rec.Answer = choice
	if choice == approvals.DenyChoice {
		return deny("the user denied it")
	}
	// What was approved must still be what will happen.
	now, err := planFn(ctx)
	if err != nil {
		return nil, err
	}
	if now.Fingerprint() != plan.Fingerprint() {
		return deny("the files changed after the user approved; call again to ask anew")
	}
	if choice == approvals.AllowSession {
		for _, k := range g.policy.Asking(plan) {
			g.grants.Grant(c.Session, k)
		}
	}
	rec.Allowed = true
	g.record(ctx, rec)
	g.log.Info("approved", "tool", c.Tool.Name, "session", c.Session, "choice", choice)
	return nil, nil
}

func kindList(ks []approvals.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}

// clientCanElicit reports whether the calling client declared form
// elicitation (per request in the modern protocol, at initialize in the
// legacy one). mcp-go does not check this itself.
func clientCanElicit(ctx context.Context) bool {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		return info.ClientCapabilities != nil && formElicitation(info.ClientCapabilities.Elicitation)
	}
	if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		return formElicitation(s.GetClientCapabilities().Elicitation)
	}
	return false
}

// formElicitation: an empty elicitation capability means form mode (the
// original spelling); a client that lists only url mode cannot show our
// form.
func formElicitation(e *mcpgo.ElicitationCapability) bool {
	return e != nil && (e.Form != nil || e.URL == nil)
}
