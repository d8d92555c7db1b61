package vz

import (
	"log/slog"
	"time"

	"github.com/airlock-dev/airlock/vm"
)

// Defaults.
const (
	// DefaultBootTimeout bounds a boot, from starting the VM to the end
	// of the agent handshake.
	DefaultBootTimeout = 30 * time.Second
	// agentPort is the guest vsock port the agent listens on.
	agentPort = 1024
)

// Backend boots Linux guests under Apple's Virtualization framework. The
// zero value is usable; set fields before the first Start and do not change
// them afterwards. On systems other than macOS, Start always fails with an
// error wrapping vm.ErrUnavailable.
type Backend struct {
	// RunDir holds per-machine directories when Config.Dir is empty;
	// default os.TempDir().
	RunDir string
	// BootTimeout bounds each boot; default DefaultBootTimeout.
	BootTimeout time.Duration
	// Logger receives backend-level messages; machines log to
	// Config.Logger.
	Logger *slog.Logger
}

var _ vm.Backend = (*Backend)(nil)

// Name implements vm.Backend.
func (b *Backend) Name() string { return "vz" }
