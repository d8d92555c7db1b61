//go:build darwin

package vz

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/Code-Hex/vz/v3"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestclient"
)

// Start implements vm.Backend. It checks cfg and the host, boots the VM and
// returns once the guest agent has completed its authenticated handshake.
func (b *Backend) Start(ctx context.Context, cfg vm.Config) (vm.Machine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.CheckHost(); err != nil {
		return nil, err
	}
	if err := requireMacOS(12, "the vz backend (virtio-fs shares and hard stop)"); err != nil {
		return nil, err
	}
	lim := hostLimits()
	if err := lim.check(cfg.CPUs, cfg.MemoryMiB); err != nil {
		return nil, err
	}
	m, err := b.boot(ctx, cfg)
	if err != nil {
		b.logger().Debug("vz boot failed", "cpus", cfg.CPUs, "memory_mib", cfg.MemoryMiB, "host_max_cpus", lim.maxCPUs, "err", err)
		return nil, fmt.Errorf("start vz vm: %w", err)
	}
	return m, nil
}

func (b *Backend) bootTimeout() time.Duration {
	if b.BootTimeout > 0 {
		return b.BootTimeout
	}
	return DefaultBootTimeout
}

// boot creates, starts and connects to one machine. On failure it stops
// the VM and releases everything it created.
func (b *Backend) boot(ctx context.Context, cfg vm.Config) (_ *machine, err error) {
	dir, owned, err := b.runDir(cfg)
	if err != nil {
		return nil, fmt.Errorf("machine dir: %w", err)
	}
	m := newMachine(cfg, dir, owned)
	defer func() {
		if err != nil {
			m.kill()
			if werr := m.awaitEnd(); werr != nil {
				m.log.Error("machine did not end after a failed boot", "err", werr)
			}
			m.cleanup()
		}
	}()

	// The framework writes the console log; create it fresh and private
	// first, so that an old log (or a link) in a caller's directory is
	// neither appended to nor followed.
	if err := os.Remove(m.consoleLog()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove old console log: %w", err)
	}
	f, err := os.OpenFile(m.consoleLog(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create console log: %w", err)
	}
	f.Close()
	token := vm.NewToken()
	conf, err := machineConfig(cfg, kernelCmdline(cfg, token), m.consoleLog())
	if err != nil {
		return nil, err
	}
	m.vm, err = vz.NewVirtualMachine(conf)
	if err != nil {
		return nil, featureErr("create virtual machine", 11, err)
	}
	socks := m.vm.SocketDevices()
	if len(socks) != 1 {
		return nil, fmt.Errorf("vz vm has %d socket devices, want 1", len(socks))
	}
	go m.watch(m.vm.StateChangedNotify())

	start := time.Now()
	if err := m.vm.Start(); err != nil {
		return nil, featureErr("start virtual machine", 11, err)
	}
	m.started = true
	go watchSize(m.consoleLog(), consoleLimit, time.Second, m.exited, func(size int64) {
		m.setReason(fmt.Sprintf("the guest flooded its console (%d bytes, limit %d)", size, consoleLimit))
		m.log.Warn("console log over its limit; stopping the machine", "bytes", size, "limit", consoleLimit)
		m.kill()
	})

	timeout := b.bootTimeout()
	bctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := m.dialAgent(bctx, socks[0])
	var agent *guestclient.Client
	if err == nil {
		agent, err = guestclient.Handshake(bctx, conn, token)
		if err != nil {
			conn.Close()
		} else {
			m.agent.Store(agent)
			select {
			case <-m.exited:
				// The state watcher may have looked for the agent
				// before it was stored; the boot fails below.
				agent.Close()
				err = errors.New("the vm ended right after the handshake")
			default:
			}
		}
	}
	if err != nil {
		select {
		case <-m.exited:
			return nil, fmt.Errorf("vm ended during boot (state %v): %v; %s", m.endState, err, m.diagnosis())
		default:
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("boot: %w (%v)", ctx.Err(), err)
		}
		if bctx.Err() != nil {
			return nil, fmt.Errorf("%w after %v: %v; %s", vm.ErrBootTimeout, timeout, err, m.diagnosis())
		}
		return nil, fmt.Errorf("connect guest agent: %w", err)
	}
	h := agent.Hello()
	m.log.Info("vm ready", "boot", time.Since(start).Round(time.Millisecond), "guest_uptime_ms", h.BootMillis, "agent", h.AgentVersion)
	go m.watchAgent(agent)
	return m, nil
}

// watchAgent stops the machine when its agent channel dies while the VM
// runs: the guest misbehaved or its agent died, and the machine is of no
// further use. When the VM ends, the state watcher closes the channel and
// watchAgent returns.
func (m *machine) watchAgent(agent *guestclient.Client) {
	select {
	case <-agent.Done():
	case <-m.exited:
		return
	}
	if m.stopping.Load() {
		return
	}
	// A VM that ends closes the channel too; give the state watcher a
	// moment to report it before blaming the agent.
	select {
	case <-m.exited:
		return
	case <-time.After(250 * time.Millisecond):
	}
	m.setReason(fmt.Sprintf("the agent channel closed while the vm ran: %v", agent.Err()))
	m.log.Warn("agent channel closed; stopping the machine", "err", agent.Err())
	m.kill()
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
	dir, err = os.MkdirTemp(parent, "airlock-vz-")
	return dir, true, err
}

// logger returns the backend's logger, or one that discards.
func (b *Backend) logger() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.New(slog.DiscardHandler)
}
