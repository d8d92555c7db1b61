package qemu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestclient"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// consoleMax bounds the per-machine console log.
const consoleMax = 1 << 20

// stopGrace is how long Stop waits for the guest to power off before it
// kills QEMU.
const stopGrace = 2 * time.Second

type machine struct {
	id      string
	shares  []vm.Share
	dir     string
	ownDir  bool
	cmd     *exec.Cmd
	agent   *guestclient.Client
	console *cappedFile
	stderr  *tailBuffer
	log     *slog.Logger
	accel   string

	exited   chan struct{} // closed when QEMU has exited
	exitErr  error         // QEMU's exit status; valid after exited
	stopping atomic.Bool   // Stop was called
	crashed  bool          // QEMU ended before Stop; valid after exited

	stopOnce    sync.Once
	cleanupOnce sync.Once
}

var _ vm.Machine = (*machine)(nil)

func (m *machine) ID() string                 { return m.id }
func (m *machine) Agent() *guestclient.Client { return m.agent }

// Accel is the accelerator the machine runs under ("kvm" or "tcg").
func (m *machine) Accel() string { return m.accel }

// PID is the QEMU process id.
func (m *machine) PID() int { return m.cmd.Process.Pid }

// ConsoleLog is the path of the serial console log. It is removed by Stop
// when the machine's directory was created by the backend.
func (m *machine) ConsoleLog() string { return filepath.Join(m.dir, "console.log") }

// Accel reports the accelerator of a machine started by this package, or ""
// for another machine.
func Accel(mc vm.Machine) string {
	if m, ok := mc.(*machine); ok {
		return m.accel
	}
	return ""
}

// PID reports the QEMU process id of a machine started by this package,
// or 0.
func PID(mc vm.Machine) int {
	if m, ok := mc.(*machine); ok {
		return m.PID()
	}
	return 0
}

func (b *Backend) boot(ctx context.Context, cfg vm.Config, a attempt) (_ *machine, err error) {
	dir, owned, err := b.runDir(cfg)
	if err != nil {
		return nil, fmt.Errorf("machine dir: %w", err)
	}
	m := &machine{
		id:     vm.NewID(),
		shares: cfg.Shares,
		dir:    dir,
		ownDir: owned,
		stderr: &tailBuffer{max: 4096},
		log:    cfg.Logger,
		accel:  a.accel,
		exited: make(chan struct{}),
	}
	m.log = m.log.With("vm", m.id, "accel", a.accel)
	defer func() {
		if err != nil {
			m.kill()
			m.cleanup()
		}
	}()

	sock, err := agentSocketPath(dir)
	if err != nil {
		return nil, err
	}
	os.Remove(sock)
	token := vm.NewToken()
	channel := AgentPortName
	var cid uint32
	if a.vsock {
		cid = randomCID()
		channel = fmt.Sprintf("vsock:%d", vsockPort)
	}
	boot := guestproto.BootConfig{Token: token, Channel: channel, SelfTest: cfg.SelfTest}
	for _, s := range cfg.Shares {
		boot.Shares = append(boot.Shares, guestproto.ShareSpec{Name: s.Name, ReadOnly: s.ReadOnly})
	}
	spec := Spec{
		Accel:       a.accel,
		Kernel:      cfg.Image.Kernel,
		Initrd:      cfg.Image.Initrd,
		Cmdline:     boot.Cmdline(),
		CPUs:        cfg.CPUs,
		MemoryMiB:   cfg.MemoryMiB,
		Shares:      cfg.Shares,
		AgentSocket: sock,
		VsockCID:    cid,
		TSCkHz:      hostTSCkHz(),
		TBSizeMiB:   b.TBSizeMiB,
		Paused:      a.paused,
	}
	m.console, err = newCappedFile(m.ConsoleLog(), consoleMax)
	if err != nil {
		return nil, fmt.Errorf("console log: %w", err)
	}

	// Not CommandContext: the machine outlives the ctx of Start.
	m.cmd = exec.Command(b.binary(), BuildArgv(spec)...)
	m.cmd.Stdout = m.console
	m.cmd.Stderr = m.stderr
	m.cmd.SysProcAttr = sysProcAttr()
	start := time.Now()
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: start %s: %v", vm.ErrUnavailable, b.binary(), err)
	}
	go m.waitProcess()

	timeout := a.watchdog
	if timeout == 0 {
		timeout = b.BootTimeout
		if timeout == 0 {
			timeout = DefaultBootTimeout
		}
	}
	bctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var conn net.Conn
	if a.vsock {
		conn, err = dialVsock(bctx, cid, vsockPort, m.exited)
	} else {
		conn, err = m.dialAgent(bctx, sock)
	}
	if err == nil {
		m.agent, err = guestclient.Handshake(bctx, conn, token)
		if err != nil {
			conn.Close()
		}
	}
	if err != nil {
		select {
		case <-m.exited:
			return nil, fmt.Errorf("qemu exited during boot: %v: %s", m.exitErr, m.diagnosis())
		default:
		}
		if bctx.Err() != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("%w after %v under %s: %v; %s", vm.ErrBootTimeout, timeout, a.accel, err, m.diagnosis())
		}
		return nil, fmt.Errorf("boot under %s: %w", a.accel, err)
	}
	h := m.agent.Hello()
	m.log.Info("vm ready", "boot", time.Since(start).Round(time.Millisecond), "guest_uptime_ms", h.BootMillis, "agent", h.AgentVersion)
	go func() {
		// A channel that dies while QEMU runs means the guest misbehaved
		// or its agent died: the machine is of no further use.
		select {
		case <-m.agent.Done():
			if !m.stopping.Load() {
				m.log.Warn("agent channel closed; killing the machine", "err", m.agent.Err())
				m.kill()
			}
		case <-m.exited:
		}
	}()
	return m, nil
}

// dialAgent connects to QEMU's agent socket, which appears shortly after
// QEMU starts.
func (m *machine) dialAgent(ctx context.Context, sock string) (net.Conn, error) {
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "unix", sock)
		if err == nil {
			return conn, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect agent socket: %w", err)
		case <-m.exited:
			return nil, fmt.Errorf("qemu exited")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func (m *machine) waitProcess() {
	err := m.cmd.Wait()
	m.exitErr = err
	m.crashed = !m.stopping.Load()
	m.console.Close()
	close(m.exited)
}

// diagnosis summarises QEMU's stderr and the end of the console.
func (m *machine) diagnosis() string {
	var parts []string
	if s := strings.TrimSpace(m.stderr.String()); s != "" {
		parts = append(parts, "qemu: "+s)
	}
	if b, err := os.ReadFile(m.ConsoleLog()); err == nil && len(b) > 0 {
		if len(b) > 1024 {
			b = b[len(b)-1024:]
		}
		parts = append(parts, "console: "+strings.TrimSpace(string(b)))
	}
	if len(parts) == 0 {
		return "no output from qemu or the guest console"
	}
	return strings.Join(parts, "; ")
}

// kill ends QEMU at once.
func (m *machine) kill() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	select {
	case <-m.exited:
	default:
		_ = m.cmd.Process.Kill()
	}
}

// Stop implements vm.Machine.
func (m *machine) Stop(ctx context.Context) error {
	m.stopping.Store(true)
	m.stopOnce.Do(func() {
		go func() {
			sctx, cancel := context.WithTimeout(context.Background(), stopGrace)
			defer cancel()
			if m.agent != nil {
				_ = m.agent.Shutdown(sctx)
			}
			select {
			case <-m.exited:
			case <-sctx.Done():
				m.log.Warn("guest did not power off; killing it")
				m.kill()
			}
		}()
	})
	select {
	case <-m.exited:
	case <-ctx.Done():
		m.kill()
		<-m.exited
	}
	m.cleanup()
	return nil
}

// cleanup releases host resources once QEMU has exited (or never started).
func (m *machine) cleanup() {
	if m.cmd != nil && m.cmd.Process != nil {
		<-m.exited
	}
	m.cleanupOnce.Do(func() {
		if m.agent != nil {
			m.agent.Close()
		}
		if m.console != nil {
			m.console.Close()
		}
		if err := vm.SweepTemp(m.shares); err != nil {
			m.log.Warn("sweep staging files", "err", err)
		}
		if m.ownDir {
			os.RemoveAll(m.dir)
		} else {
			os.Remove(filepath.Join(m.dir, "agent.sock"))
		}
	})
}

// Wait implements vm.Machine.
func (m *machine) Wait() error {
	<-m.exited
	if !m.crashed {
		return nil
	}
	err := m.exitErr
	if err == nil {
		err = errors.New("guest powered off by itself")
	}
	return fmt.Errorf("%w: machine %s: %v", vm.ErrCrashed, m.id, err)
}
