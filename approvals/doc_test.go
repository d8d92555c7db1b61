package approvals_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/airlock-dev/airlock/approvals"
)

// Example walks one destructive call through the package: decide, ask,
// check the answer, re-check the files, remember a session grant.
func Example() {
	policy := approvals.DefaultPolicy()
	store := approvals.NewStore(time.Duration(policy.Timeout))
	grants := approvals.NewGrants()

	const session, tool = "session-1", "delete_path"
	args := []byte(`{"path": "/home/u/proj/old.log"}`)
	stat := func() approvals.Item { // what the tool sees on the host
		return approvals.Item{Path: "/home/u/proj/old.log", Exists: true, Size: 4096, Inode: 12}
	}
	plan := approvals.Plan{Tool: tool, Summary: "Delete file", Kinds: []approvals.Kind{approvals.KindDelete}, Items: []approvals.Item{stat()}}
	plan.Kinds = policy.Classify(plan)

	action, reason := policy.Decide(plan, grants.Func(session))
	fmt.Println(action, "-", reason)

	// Ask: keep the pending approval server-side and send the prompt.
	state, err := store.Put(session, tool, args, plan)
	if err != nil {
		panic(err)
	}
	_ = approvals.Message(plan)                           // the elicitation message
	_ = approvals.RequestedSchema()                       // the elicitation schema
	answer := map[string]any{"decision": "allow_session"} // the client's content

	// The answer comes back with the same call and state.
	approved, err := store.Take(session, tool, []byte(`{"path":"/home/u/proj/old.log"}`), state)
	if err != nil {
		panic(err)
	}
	choice, err := approvals.ParseAnswer(answer)
	if err != nil {
		panic(err)
	}
	fmt.Println("choice:", choice)

	// Just before running: has anything changed on disk since?
	now := approvals.Plan{Items: []approvals.Item{stat()}}
	fmt.Println("unchanged:", now.Fingerprint() == approved.Fingerprint())

	if choice == approvals.AllowSession {
		for _, k := range policy.Asking(approved) {
			grants.Grant(session, k)
		}
	}
	action, reason = policy.Decide(plan, grants.Func(session))
	fmt.Println(action, "-", reason)

	// The state is single use.
	_, err = store.Take(session, tool, args, state)
	fmt.Println("replay refused:", errors.Is(err, approvals.ErrUnknown))

	// Output:
	// ask - needs approval: delete
	// choice: allow_session
	// unchanged: true
	// allow - policy: session grant (delete)
	// replay refused: true
}
