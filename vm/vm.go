// Package vm is the backend-neutral API for airlock's sandbox virtual
// machines: one fresh VM per session, booted from an immutable image,
// reachable only through the guest agent channel, discarded at the end.
//
// # What this layer protects
//
// A Machine isolates the agent's work from the host: the guest sees only the
// folders listed in Config.Shares (read-only shares are enforced by the
// hypervisor, not only by the guest), it has no network device, and the host
// talks to it through one authenticated, multiplexed channel whose every
// message is treated as hostile input (see package guestclient).
//
// # What it does not protect
//
// It does not stop a guest from changing anything inside a read-write share
// (approvals and the audit journal are the remedy), it does not protect
// against hypervisor escapes (QEMU runs under its seccomp sandbox, vz under
// Apple's), and it does not bound the guest's CPU use beyond the vCPU count.
//
// Backends live in their own packages (vm/qemu, vm/vz) and are chosen
// explicitly by the caller; there is no registry.
package vm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/airlock-dev/airlock/vm/guestclient"
)

// Sentinel errors. Check them with errors.Is.
var (
	// ErrStopped is returned by calls on a machine that has been stopped.
	ErrStopped = errors.New("vm: machine stopped")
	// ErrCrashed is returned by Wait when the machine ended without Stop
	// being called: the hypervisor died, was killed, or the guest panicked.
	ErrCrashed = errors.New("vm: machine ended unexpectedly")
	// ErrBootTimeout is returned by Start when the guest agent did not
	// complete its handshake in time.
	ErrBootTimeout = errors.New("vm: guest agent not ready in time")
	// ErrUnavailable is returned when the backend cannot run on this host
	// (hypervisor missing, unsupported OS version, missing entitlement).
	ErrUnavailable = errors.New("vm: backend unavailable on this host")
	// ErrInvalidConfig is returned for a Config that fails validation.
	ErrInvalidConfig = errors.New("vm: invalid config")
)

// Share is a host folder made visible inside the guest at /mnt/<Name>.
type Share struct {
	// Name identifies the share; it is the mount tag and the guest mount
	// point. Lower-case letters, digits, '-' and '_', at most 31 bytes.
	Name string
	// HostPath is the absolute host directory to share.
	HostPath string
	// ReadOnly makes the hypervisor refuse every write to the share.
	ReadOnly bool
}

// Image is a bootable guest image: a kernel and an initramfs whose /init is
// the guest agent.
type Image struct {
	Kernel string // absolute path of the kernel (PVH vmlinux on x86-64, Image on arm64)
	Initrd string // absolute path of the initramfs (cpio)
	ID     string // content hash identifying the image, for logs and audit
}

// Config describes one machine.
type Config struct {
	Image     Image
	CPUs      int // default 1
	MemoryMiB int // default 256
	Shares    []Share
	// Dir is a private host directory for this machine's runtime files
	// (agent socket, console log). Empty means a new temporary directory,
	// removed by Stop.
	Dir string
	// SelfTest enables the guest's diagnostic probes (raw file system
	// access inside the guest, used by tests and `airlock doctor` to prove
	// isolation from the inside). Never enable it for agent sessions.
	SelfTest bool
	Logger   *slog.Logger
}

var shareName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,30}$`)

// Validate reports whether c can be booted, and fills in defaults.
func (c *Config) Validate() error {
	if c.CPUs == 0 {
		c.CPUs = 1
	}
	if c.MemoryMiB == 0 {
		c.MemoryMiB = 256
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.CPUs < 1 || c.CPUs > 64:
		return fmt.Errorf("%w: cpus %d out of range 1..64", ErrInvalidConfig, c.CPUs)
	case c.MemoryMiB < 64 || c.MemoryMiB > 64*1024:
		return fmt.Errorf("%w: memory %d MiB out of range 64..65536", ErrInvalidConfig, c.MemoryMiB)
	}
	seen := map[string]bool{}
	for _, s := range c.Shares {
		if !shareName.MatchString(s.Name) {
			return fmt.Errorf("%w: share name %q: want 1-31 of [a-z0-9_-], starting with a letter or digit", ErrInvalidConfig, s.Name)
		}
		if seen[s.Name] {
			return fmt.Errorf("%w: share name %q used twice", ErrInvalidConfig, s.Name)
		}
		seen[s.Name] = true
		if !filepath.IsAbs(s.HostPath) {
			return fmt.Errorf("%w: share %q: host path %q is not absolute", ErrInvalidConfig, s.Name, s.HostPath)
		}
		// QEMU's -fsdev and -device options are comma-separated; a comma in
		// a path would be read as another option.
		if strings.ContainsAny(s.HostPath, ",\x00\n") {
			return fmt.Errorf("%w: share %q: host path contains a comma, NUL or newline", ErrInvalidConfig, s.Name)
		}
	}
	return nil
}

// CheckHost reports whether the image files exist and every share is a
// directory on this host. Backends call it after Validate.
func (c *Config) CheckHost() error {
	if c.Image.Kernel == "" || c.Image.Initrd == "" {
		return fmt.Errorf("%w: image kernel and initrd are required", ErrInvalidConfig)
	}
	for _, p := range []string{c.Image.Kernel, c.Image.Initrd} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%w: image: %v", ErrInvalidConfig, err)
		}
	}
	for _, s := range c.Shares {
		fi, err := os.Stat(s.HostPath)
		if err != nil || !fi.IsDir() {
			return fmt.Errorf("%w: share %q: %s is not a directory", ErrInvalidConfig, s.Name, s.HostPath)
		}
	}
	return nil
}

// Backend boots machines. Implementations are safe for concurrent use.
type Backend interface {
	// Name is a short identifier for logs ("qemu", "vz", "fake").
	Name() string
	// Start boots a fresh machine and returns once the guest agent has
	// completed its authenticated handshake, or fails. If ctx ends first,
	// the half-started machine is torn down and ctx's error returned.
	// A returned Machine must eventually be stopped with Stop.
	Start(ctx context.Context, cfg Config) (Machine, error)
}

// Machine is one running VM. All methods are safe for concurrent use.
type Machine interface {
	// ID is a random identifier unique to this machine.
	ID() string
	// Agent is the client for the guest agent. It stays valid until the
	// machine ends; calls after that fail.
	Agent() *guestclient.Client
	// Stop shuts the machine down: it asks the guest to power off, and
	// kills it if it has not done so when ctx ends or after a short grace
	// period. Stop releases every host resource of the machine. It is
	// idempotent and safe to call concurrently with itself and with Wait;
	// every call returns only after the machine has ended.
	Stop(ctx context.Context) error
	// Wait blocks until the machine has ended. It returns nil if the
	// machine ended because of Stop, and an error wrapping ErrCrashed
	// otherwise.
	Wait() error
}

// NewID returns a random identifier for a machine: 16 hex digits.
func NewID() string { return randomHex(8) }

// NewToken returns a fresh secret for authenticating one machine's agent:
// 256 bits, hex-encoded.
func NewToken() string { return randomHex(32) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
