package qemu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/airlock-dev/airlock/vm"
)

// Defaults.
const (
	DefaultBootTimeout = 30 * time.Second
	DefaultKVMWatchdog = 5 * time.Second
	vsockPort          = 1024
)

// Backend boots QEMU microvms. The zero value is usable; set fields before
// the first Start and do not change them afterwards.
type Backend struct {
	// Binary is the QEMU system emulator; default qemu-system-x86_64.
	Binary string
	// RunDir holds per-machine directories when Config.Dir is empty;
	// default os.TempDir().
	RunDir string
	// VerdictFile remembers the accelerator verdict across runs. Empty
	// means decide afresh in every process.
	VerdictFile string
	// BootTimeout bounds a boot under the chosen accelerator.
	BootTimeout time.Duration
	// KVMWatchdog is how long an unproven KVM gets to reach the agent
	// handshake before it is declared hung.
	KVMWatchdog time.Duration
	// TBSizeMiB bounds TCG's translation cache; 0 keeps QEMU's default.
	TBSizeMiB int
	// ForceAccel skips detection: "kvm" or "tcg".
	ForceAccel string
	Logger     *slog.Logger

	// simulateKVMHang replaces the KVM attempt with a paused TCG machine,
	// so tests can exercise the watchdog on hosts without /dev/kvm.
	simulateKVMHang bool

	mu      sync.Mutex
	verdict *Verdict // this process's decision, once made
	version string
}

var _ vm.Backend = (*Backend)(nil)

// Name implements vm.Backend.
func (b *Backend) Name() string { return "qemu" }

func (b *Backend) binary() string {
	if b.Binary != "" {
		return b.Binary
	}
	return "qemu-system-x86_64"
}

func (b *Backend) logger() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.New(slog.DiscardHandler)
}

var versionRE = regexp.MustCompile(`version ([0-9][0-9.]*)`)

// Version returns QEMU's version ("7.2.22"), or an error wrapping
// vm.ErrUnavailable when QEMU is missing.
func (b *Backend) Version(ctx context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.version != "" {
		return b.version, nil
	}
	out, err := exec.CommandContext(ctx, b.binary(), "-version").Output()
	if err != nil {
		return "", fmt.Errorf("%w: run %s -version: %v (install QEMU: apt-get install qemu-system-x86)", vm.ErrUnavailable, b.binary(), err)
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("%w: cannot read QEMU version from %q", vm.ErrUnavailable, out)
	}
	b.version = string(m[1])
	return b.version, nil
}

// attempt is one way of booting.
type attempt struct {
	accel    string
	watchdog time.Duration // 0: BootTimeout
	probe    bool          // the verdict depends on this attempt
	paused   bool
	vsock    bool // agent channel over vhost-vsock instead of virtio-serial
}

// plan decides which accelerators to try, in order.
func (b *Backend) plan(ctx context.Context) ([]attempt, error) {
	switch b.ForceAccel {
	case "kvm", "tcg":
		return []attempt{{accel: b.ForceAccel}}, nil
	case "":
	default:
		return nil, fmt.Errorf("%w: unknown accelerator %q", vm.ErrInvalidConfig, b.ForceAccel)
	}
	ver, err := b.Version(ctx)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	v := b.verdict
	b.mu.Unlock()
	if v == nil {
		if saved, ok := loadVerdict(b.VerdictFile, hostKey(ver)); ok {
			v = &saved
		}
	}
	if v != nil {
		return []attempt{{accel: v.Accel}}, nil
	}
	kvmWatchdog := b.KVMWatchdog
	if kvmWatchdog == 0 {
		kvmWatchdog = DefaultKVMWatchdog
	}
	if b.simulateKVMHang {
		return []attempt{{accel: "tcg", watchdog: kvmWatchdog, probe: true, paused: true}, {accel: "tcg"}}, nil
	}
	if ok, _ := kvmAvailable(); !ok {
		return []attempt{{accel: "tcg"}}, nil
	}
	return []attempt{{accel: "kvm", watchdog: kvmWatchdog, probe: true}, {accel: "tcg"}}, nil
}

// Accelerator reports the accelerator the next boot will use and why,
// without booting.
func (b *Backend) Accelerator(ctx context.Context) (accel, reason string, err error) {
	ver, err := b.Version(ctx)
	if err != nil {
		return "", "", err
	}
	if b.ForceAccel != "" {
		return b.ForceAccel, "forced by configuration", nil
	}
	b.mu.Lock()
	v := b.verdict
	b.mu.Unlock()
	if v == nil {
		if saved, ok := loadVerdict(b.VerdictFile, hostKey(ver)); ok {
			v = &saved
		}
	}
	if v != nil {
		return v.Accel, v.Reason + " (remembered " + v.Decided.Format(time.DateTime) + ")", nil
	}
	if ok, why := kvmAvailable(); !ok {
		return "tcg", why, nil
	}
	return "kvm", "/dev/kvm opens; not yet proven to boot (the first boot decides)", nil
}

// remember records the verdict for this process and, if configured, on disk.
func (b *Backend) remember(accel, reason string) {
	ver, _ := b.Version(context.Background())
	v := Verdict{Accel: accel, Reason: reason, HostKey: hostKey(ver), Decided: time.Now()}
	b.mu.Lock()
	b.verdict = &v
	b.mu.Unlock()
	if err := saveVerdict(b.VerdictFile, v); err != nil {
		b.logger().Warn("cannot save accelerator verdict", "file", b.VerdictFile, "err", err)
	}
	b.logger().Info("accelerator verdict", "accel", accel, "reason", reason)
}

// Start implements vm.Backend.
func (b *Backend) Start(ctx context.Context, cfg vm.Config) (vm.Machine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.CheckHost(); err != nil {
		return nil, err
	}
	plan, err := b.plan(ctx)
	if err != nil {
		return nil, err
	}
	useVsock, _ := VsockAvailable()
	var errs []error
	for _, a := range plan {
		a.vsock = useVsock
		m, err := b.boot(ctx, cfg, a)
		if err == nil {
			if a.probe {
				b.remember(a.accel, "booted to the agent handshake")
			}
			return m, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		errs = append(errs, err)
		if !a.probe {
			break
		}
		label := a.accel
		if a.paused {
			label = "kvm (simulated hang)"
		}
		b.remember("tcg", fmt.Sprintf("%s did not boot: %v", label, err))
	}
	return nil, errors.Join(errs...)
}

// runDir creates the machine's private directory.
func (b *Backend) runDir(cfg vm.Config) (dir string, owned bool, err error) {
	if cfg.Dir != "" {
		return cfg.Dir, false, os.MkdirAll(cfg.Dir, 0o700)
	}
	parent := b.RunDir
	if parent == "" {
		parent = os.TempDir()
	}
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return "", false, err
	}
	dir, err = os.MkdirTemp(parent, "airlock-vm-")
	return dir, true, err
}

// agentSocketPath keeps the unix socket path within the kernel's limit.
func agentSocketPath(dir string) (string, error) {
	p := filepath.Join(dir, "agent.sock")
	if len(p) >= 104 {
		return "", fmt.Errorf("%w: machine directory path too long for a unix socket: %s", vm.ErrInvalidConfig, dir)
	}
	return p, nil
}
