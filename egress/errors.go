package egress

import (
	"errors"
	"fmt"
	"net/netip"
)

// Sentinels, checked with errors.Is.
var (
	// ErrDenied matches every *DeniedError: the gate refused the
	// connection and did not try to make it.
	ErrDenied = errors.New("egress: connection denied")
	// ErrRateLimit matches a denial by the per-session rate cap.
	ErrRateLimit = errors.New("egress: connection rate limit reached")
	// ErrByteLimit matches the errors of a connection's Read and Write
	// once the session's byte cap is spent, and a denial for that reason.
	ErrByteLimit = errors.New("egress: session byte limit reached")
	// ErrTimeLimit matches the errors of a connection's Read and Write
	// once its time cap has passed.
	ErrTimeLimit = errors.New("egress: connection time limit reached")
	// ErrClosed matches a denial because the gate (the session) is closed.
	ErrClosed = errors.New("egress: session closed")
)

// DeniedError reports a connection the gate refused. Its message holds
// only facts the gate computed (the canonical host, the port, an address,
// the rule or category that refused it) and is safe to show to the model.
type DeniedError struct {
	// Host is the canonical host, or a quoted, escaped and shortened
	// rendering of an invalid one.
	Host string
	Port int
	// IP is the address that was refused, if an address was the reason.
	IP netip.Addr
	// Reason says why, in a short sentence without a trailing period.
	Reason string
	// cause is an underlying error for errors.Is (ErrRateLimit, ErrClosed,
	// a context error); it is not part of the message.
	cause error
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("egress: connection to %s denied: %s", hostPort(e.Host, e.Port), e.Reason)
}

// Is makes errors.Is(err, ErrDenied) true.
func (e *DeniedError) Is(target error) bool { return target == ErrDenied }

// Unwrap returns the underlying cause, if any.
func (e *DeniedError) Unwrap() error { return e.cause }

// DialError reports a connection the gate allowed but could not make:
// the name did not resolve, or no address accepted the connection. Its
// message is safe to show to the model; Err holds the cause (which may
// name the host's resolver) for logs and errors.Is.
type DialError struct {
	Host   string
	Port   int
	Reason string
	Err    error
}

func (e *DialError) Error() string {
	return fmt.Sprintf("egress: connection to %s failed: %s", hostPort(e.Host, e.Port), e.Reason)
}

// Unwrap returns the cause.
func (e *DialError) Unwrap() error { return e.Err }
