package guestproto

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Version is the protocol version. Host and guest must agree exactly: the
// guest image is built with the host binary, so skew means a stale image.
const Version = 1

// NonceSize is the length of the handshake nonce in bytes.
const NonceSize = 32

// Hello is the host's first frame.
type Hello struct {
	Version int    `json:"version"`
	Nonce   string `json:"nonce"` // hex, NonceSize bytes
}

// Mount describes one share as the guest mounted it.
type Mount struct {
	Name     string `json:"name"`
	ReadOnly bool   `json:"readOnly"`
	Error    string `json:"error,omitempty"` // why mounting failed, if it did
}

// HelloReply is the guest's answer to Hello.
type HelloReply struct {
	Version      int     `json:"version"`
	AgentVersion string  `json:"agentVersion"`
	Kernel       string  `json:"kernel"`
	Mounts       []Mount `json:"mounts"`
	// BootMillis is the guest's uptime when it replied, from
	// /proc/uptime: how long the kernel and init took.
	BootMillis int64  `json:"bootMillis"`
	MAC        string `json:"mac"` // hex HMAC-SHA256(token, nonce)
}

// ComputeMAC returns the handshake MAC for a token and nonce.
func ComputeMAC(token, nonce string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte(nonce))
	return hex.EncodeToString(m.Sum(nil))
}

// CheckMAC reports whether mac is the handshake MAC for token and nonce,
// in constant time.
func CheckMAC(token, nonce, mac string) bool {
	want := ComputeMAC(token, nonce)
	return hmac.Equal([]byte(want), []byte(mac))
}

// Operation names.
const (
	OpPing      = "ping"      // PingArgs -> PingResult
	OpShutdown  = "shutdown"  // no args -> empty; the guest powers off after replying
	OpStat      = "stat"      // PathArgs -> FileInfo
	OpReadFile  = "readFile"  // ReadArgs -> ReadResult, then the bytes as data frames
	OpWriteFile = "writeFile" // WriteArgs, then the bytes as data frames -> WriteResult

	// Self-test probes: enabled only when the VM was booted with
	// self-tests on. They act on raw guest paths, as a hostile guest
	// could, to prove from the inside what the hypervisor enforces.
	OpProbeStat   = "probe.stat"   // ProbeArgs -> ProbeStatResult
	OpProbeWrite  = "probe.write"  // ProbeArgs -> empty, or an error
	OpProbeMounts = "probe.mounts" // no args -> ProbeMountsResult
	OpProbeZero   = "probe.zero"   // ProbeArgs{Size} -> Size zero bytes as data (channel throughput without the file system)
)

// Request is the first frame the host writes on a stream.
type Request struct {
	Op   string          `json:"op"`
	Args json.RawMessage `json:"args,omitempty"`
	// DeadlineMillis is the host's deadline for the call, relative to
	// when the guest reads the request. The guest stops work after it.
	DeadlineMillis int64 `json:"deadlineMillis,omitempty"`
}

// Response is the first frame the guest writes back on a stream. If Data
// is true, a payload (data frames and an end frame) follows.
type Response struct {
	Error  *Error          `json:"error,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Data   bool            `json:"data,omitempty"`
}

// PingArgs asks the guest to echo a payload.
type PingArgs struct {
	Payload string `json:"payload"`
}

// PingResult is the echo.
type PingResult struct {
	Payload string `json:"payload"`
}

// PathArgs names a file inside a share: Mount is the share name, Path is
// slash-separated and relative to the share root.
type PathArgs struct {
	Mount string `json:"mount"`
	Path  string `json:"path"`
}

// FileInfo describes a file inside a share.
type FileInfo struct {
	Name       string    `json:"name"`
	Size       int64     `json:"size"`
	Mode       uint32    `json:"mode"` // permission bits only
	Type       string    `json:"type"` // "file", "dir", "symlink", "other"
	ModTime    time.Time `json:"modTime"`
	AccessTime time.Time `json:"accessTime,omitzero"`
	ChangeTime time.Time `json:"changeTime,omitzero"`
	Target     string    `json:"target,omitempty"` // symlink target, as stored (never followed)
	Nlink      uint64    `json:"nlink,omitempty"`
	Inode      uint64    `json:"inode,omitempty"`
}

// ReadArgs asks for part of a file: from Offset, at most Length bytes (0:
// to the end), or only the first HeadLines or last TailLines lines; never
// more than Limit bytes (0: the guest's maximum). Content past the limit
// is cut off and the result says so; it is not an error.
type ReadArgs struct {
	PathArgs
	Limit     int64 `json:"limit"`
	Offset    int64 `json:"offset,omitempty"`
	Length    int64 `json:"length,omitempty"`
	HeadLines int   `json:"headLines,omitempty"`
	TailLines int   `json:"tailLines,omitempty"`
}

// ReadResult precedes the bytes of a read.
type ReadResult struct {
	Size      int64  `json:"size"`      // the file's size when opened
	Truncated bool   `json:"truncated"` // the selection was cut at the limit
	Binary    bool   `json:"binary"`    // the content looks binary (NUL bytes or invalid UTF-8 in the first 8 KiB)
	MIME      string `json:"mime"`      // sniffed from content (net/http's algorithm)
}

// WriteArgs creates or replaces a file. The bytes follow as data frames.
type WriteArgs struct {
	PathArgs
	Mode       uint32 `json:"mode,omitempty"` // permission bits for a new file; default 0644
	CreateOnly bool   `json:"createOnly,omitempty"`
	// IfSHA256, when set, makes the write fail with CodeConflict unless
	// the file exists and its current content has this hash.
	IfSHA256 string `json:"ifSha256,omitempty"`
}

// WriteResult reports a completed write.
type WriteResult struct {
	Size int64 `json:"size"`
}

// ProbeArgs names a raw guest path for a self-test probe.
type ProbeArgs struct {
	Path string `json:"path"`
	// Remount, for probe.write, first remounts the file system holding
	// Path read-write, as a hostile guest with root would.
	Remount bool `json:"remount,omitempty"`
	// Size is the payload size for probe.zero.
	Size int64 `json:"size,omitempty"`
}

// ProbeStatResult reports whether a raw guest path exists.
type ProbeStatResult struct {
	Exists bool `json:"exists"`
}

// ProbeMountsResult is the guest's /proc/mounts.
type ProbeMountsResult struct {
	Mounts string `json:"mounts"`
}

// Code is a stable error code carried across the channel.
type Code string

// Error codes. The host maps them to messages a model can act on.
const (
	CodeNotFound    Code = "not_found"
	CodeExists      Code = "exists"
	CodeIsDir       Code = "is_dir"
	CodeNotDir      Code = "not_dir"
	CodeReadOnly    Code = "read_only"
	CodeOutside     Code = "outside_mount"
	CodeTooLarge    Code = "too_large"
	CodeNotRegular  Code = "not_regular"
	CodeConflict    Code = "conflict"
	CodeInvalid     Code = "invalid"
	CodeUnsupported Code = "unsupported"
	CodePermission  Code = "permission"
	CodeInternal    Code = "internal"
	CodeNetwork     Code = "network" // a web request failed (refused by the host, timed out, TLS...)
)

var knownCodes = map[Code]bool{
	CodeNotFound: true, CodeExists: true, CodeIsDir: true, CodeNotDir: true,
	CodeReadOnly: true, CodeOutside: true, CodeTooLarge: true, CodeNotRegular: true,
	CodeConflict: true, CodeInvalid: true, CodeUnsupported: true, CodePermission: true,
	CodeInternal: true, CodeNetwork: true,
}

// MaxErrorMessage bounds the message of an Error the host accepts.
const MaxErrorMessage = 1024

// Error is a failed operation.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("guest: %s: %s", e.Code, e.Message) }

// Is lets errors.Is match an *Error against another *Error by code, so
// callers can write errors.Is(err, guestproto.ErrNotFound).
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is; they match any *Error with the same code.
var (
	ErrNotFound    = &Error{Code: CodeNotFound}
	ErrExists      = &Error{Code: CodeExists}
	ErrIsDir       = &Error{Code: CodeIsDir}
	ErrNotDir      = &Error{Code: CodeNotDir}
	ErrReadOnly    = &Error{Code: CodeReadOnly}
	ErrOutside     = &Error{Code: CodeOutside}
	ErrTooLargeOp  = &Error{Code: CodeTooLarge}
	ErrNotRegular  = &Error{Code: CodeNotRegular}
	ErrConflict    = &Error{Code: CodeConflict}
	ErrInvalid     = &Error{Code: CodeInvalid}
	ErrUnsupported = &Error{Code: CodeUnsupported}
	ErrPermission  = &Error{Code: CodePermission}
	ErrInternal    = &Error{Code: CodeInternal}
	ErrNetwork     = &Error{Code: CodeNetwork}
)

// Validate checks an Error received from the guest: its code must be known
// and its message bounded. Anything else is a protocol violation.
func (e *Error) Validate() error {
	if !knownCodes[e.Code] {
		return fmt.Errorf("%w: unknown error code %q", ErrFrame, e.Code)
	}
	if len(e.Message) > MaxErrorMessage {
		return fmt.Errorf("%w: error message of %d bytes", ErrFrame, len(e.Message))
	}
	return nil
}
