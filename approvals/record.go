package approvals

import "time"

// Record is one approval decision, handed to the audit hook. Every call
// that needed a decision gets one, whether it was allowed or not.
type Record struct {
	// Time is when the decision was made.
	Time time.Time `json:"time"`
	// Session and Tool identify the call.
	Session string `json:"session"`
	Tool    string `json:"tool"`
	// Plan is what the call was to do, as shown to the user.
	Plan Plan `json:"plan"`
	// Asked reports whether the user was asked.
	Asked bool `json:"asked"`
	// Answer is the user's choice, when there was one.
	Answer Choice `json:"answer,omitempty"`
	// By says who or what decided: one of the By constants.
	By string `json:"by"`
	// Allowed reports whether the call went ahead.
	Allowed bool `json:"allowed"`
	// Reason gives details, such as Policy.Decide's reason or an error.
	Reason string `json:"reason,omitempty"`
}

// Values of Record.By.
const (
	// ByUser: the user answered an elicitation.
	ByUser = "user via elicitation"
	// ByPreApproved: every asking kind was pre-approved (--approve).
	ByPreApproved = "policy: pre-approved"
	// BySessionGrant: the user allowed these kinds for the session earlier.
	BySessionGrant = "policy: session grant"
	// ByPolicyAllow: nothing in the call needs approval.
	ByPolicyAllow = "policy: no approval needed"
	// ByDeniedSensitive: the call touches a sensitive path.
	ByDeniedSensitive = "policy: denied (sensitive)"
	// ByTimeout: the user did not answer in time.
	ByTimeout = "timeout"
	// ByNoElicitation: the client cannot ask the user, so the call was
	// refused.
	ByNoElicitation = "no elicitation capability"
)
