package egress

import (
	"net/netip"
	"time"
)

// Verdict is the outcome recorded in a Decision.
type Verdict string

// The verdicts. Every Gate.Dial logs exactly one of Allowed, Approved,
// Denied, Declined or Failed; every connection it returns logs one Closed
// when it is closed.
const (
	// Allowed: a rule, the unknown-host mode or an earlier approval in
	// this session allowed the connection, and it was made.
	Allowed Verdict = "allowed"
	// Approved: the user was asked (for this dial, or for a concurrent
	// dial to the same host and port), said yes, and the connection was
	// made.
	Approved Verdict = "approved"
	// Denied: the gate refused the connection without trying to make it.
	Denied Verdict = "denied"
	// Declined: the user was asked and said no; nothing else was done.
	Declined Verdict = "declined"
	// Failed: the connection was allowed but could not be made (the name
	// did not resolve, or no address accepted it).
	Failed Verdict = "failed"
	// Closed: a connection ended; the Decision carries its byte counts
	// and duration.
	Closed Verdict = "closed"
)

// Decision is one entry of the egress log.
type Decision struct {
	Time time.Time `json:"time"`
	// Host is the canonical host, or a quoted, escaped and shortened
	// rendering of an invalid one.
	Host string `json:"host"`
	Port int    `json:"port"`
	// IP is the address dialled or refused; zero if none.
	IP      netip.Addr `json:"ip,omitzero"`
	Verdict Verdict    `json:"verdict"`
	// Reason says why (the rule, the mode, the user, the address
	// category, the failure), or how a connection ended.
	Reason string `json:"reason,omitempty"`
	// BytesOut (sent to the destination) and BytesIn (received from it)
	// are set on Closed entries.
	BytesOut int64 `json:"bytes_out,omitempty"`
	BytesIn  int64 `json:"bytes_in,omitempty"`
	// Duration is the life of the connection, on Closed entries.
	Duration time.Duration `json:"duration,omitempty"`
	// CallID is the tool call that asked for the connection.
	CallID string `json:"call_id,omitempty"`
}
