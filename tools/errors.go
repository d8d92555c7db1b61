package tools

import (
	"context"
	"errors"
	"fmt"

	"github.com/airlock-dev/airlock/vm/guestclient"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// UserError is a failure the model should see, with a message safe to
// show; Cause is for logs only.
type UserError struct {
	Msg   string
	Cause error
}

func (e *UserError) Error() string { return e.Msg }
func (e *UserError) Unwrap() error { return e.Cause }

// Userf returns a UserError.
func Userf(format string, args ...any) error {
	return &UserError{Msg: fmt.Sprintf(format, args...)}
}

// Explain turns any error from the pipeline into text for the model. It
// never passes a guest's free text through except the short detail of
// invalid-argument and conflict errors, which the guest formats from the
// request itself (e.g. "edit 2: found 3 occurrences").
func Explain(path string, err error) string {
	var ue *UserError
	if errors.As(err, &ue) {
		return ue.Msg
	}
	if errors.Is(err, ErrOutside) {
		return fmt.Sprintf("permission denied: %s is outside the mounted folders (see list_allowed_directories)", quote(path))
	}
	var ge *guestproto.Error
	if errors.As(err, &ge) {
		switch ge.Code {
		case guestproto.CodeNotFound:
			return fmt.Sprintf("not found: %s", quote(path))
		case guestproto.CodeExists:
			return fmt.Sprintf("already exists: %s", quote(path))
		case guestproto.CodeIsDir:
			return fmt.Sprintf("is a directory: %s", quote(path))
		case guestproto.CodeNotDir:
			return fmt.Sprintf("not a directory: %s", quote(path))
		case guestproto.CodeReadOnly:
			return fmt.Sprintf("permission denied: %s is in a read-only folder", quote(path))
		case guestproto.CodeOutside:
			return fmt.Sprintf("permission denied: %s leads outside the mounted folders", quote(path))
		case guestproto.CodeTooLarge:
			return fmt.Sprintf("too large: %s (%s)", quote(path), clip(ge.Message))
		case guestproto.CodeNotRegular:
			return fmt.Sprintf("not a regular file: %s (symlinks, pipes, sockets and devices are not read or written)", quote(path))
		case guestproto.CodePermission:
			return fmt.Sprintf("permission denied: %s", quote(path))
		case guestproto.CodeConflict, guestproto.CodeInvalid:
			return fmt.Sprintf("%s: %s", quote(path), clip(ge.Message))
		case guestproto.CodeUnsupported:
			return "operation not supported by this sandbox"
		}
		return "internal error in the sandbox; see the server log"
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, guestclient.ErrClosed):
		return "the sandbox VM stopped; retry to start a new one"
	}
	return "internal error; see the server log"
}

func quote(p string) string { return fmt.Sprintf("%q", p) }

func clip(s string) string {
	const max = 300
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
