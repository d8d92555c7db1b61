package mcp

import (
	"context"
	"sync"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// approver is a scripted user behind a client's elicitation handler.
type approver struct {
	mu       sync.Mutex
	action   mcpgo.ElicitationResponseAction
	decision string
	asked    []string // the messages shown
}

func (a *approver) Elicit(ctx context.Context, r mcpgo.ElicitationRequest) (*mcpgo.ElicitationResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, r.Params.Message)
	res := &mcpgo.ElicitationResult{ElicitationResponse: mcpgo.ElicitationResponse{Action: a.action}}
	if a.action == mcpgo.ElicitationResponseActionAccept {
		res.Content = map[string]any{"decision": a.decision}
	}
	return res, nil
}

func (a *approver) set(action mcpgo.ElicitationResponseAction, decision string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.action, a.decision = action, decision
}

func (a *approver) prompts() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.asked...)
}

// allowOnce is a user who approves everything, once at a time.
func allowOnce() *approver {
	return &approver{action: mcpgo.ElicitationResponseActionAccept, decision: "allow_once"}
}
