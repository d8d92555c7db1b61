//go:build darwin

package vz

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Code-Hex/vz/v3"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestclient"
)

const (
	// stopGrace is how long Stop waits for the guest to power off before
	// it stops the VM hard.
	stopGrace = 2 * time.Second
	// hardStopTimeout bounds how long Stop waits for a hard stop to end
	// the VM before it gives up with an error.
	hardStopTimeout = 10 * time.Second
	// consoleLimit is the console log size past which the guest is taken
	// to be flooding it and is stopped.
	consoleLimit = 32 << 20
)

type machine struct {
	id     string
	shares []vm.Share
	dir    string
	ownDir bool
	log    *slog.Logger
	vm     *vz.VirtualMachine
	agent  atomic.Pointer[guestclient.Client] // set once, after the handshake

	started  bool          // vm.Start succeeded; set before the machine is shared
	exited   chan struct{} // closed when the VM has stopped or failed
	endState vz.VirtualMachineState
	crashed  bool        // the VM ended before Stop; valid after exited
	stopping atomic.Bool // Stop was called
	abandon  chan struct{}

	reasonMu sync.Mutex
	reason   string // why the host ended the machine, if it did

	killMu      sync.Mutex
	stopOnce    sync.Once
	cleanupOnce sync.Once
}

var _ vm.Machine = (*machine)(nil)

func newMachine(cfg vm.Config, dir string, ownDir bool) *machine {
	m := &machine{
		id:      vm.NewID(),
		shares:  cfg.Shares,
		dir:     dir,
		ownDir:  ownDir,
		exited:  make(chan struct{}),
		abandon: make(chan struct{}),
	}
	m.log = cfg.Logger.With("vm", m.id, "backend", "vz")
	return m
}

func (m *machine) ID() string                 { return m.id }
func (m *machine) Agent() *guestclient.Client { return m.agent.Load() }

// consoleLog is the path of the serial console log. Stop removes it with
// the machine's directory when the backend created that directory.
func (m *machine) consoleLog() string { return filepath.Join(m.dir, "console.log") }

// watch follows the VM's state changes and marks the machine ended when
// the VM stops or fails. It is the only reader of states.
func (m *machine) watch(states <-chan vz.VirtualMachineState) {
	for {
		select {
		case s := <-states:
			m.log.Debug("vz state", "state", s)
			if s == vz.VirtualMachineStateStopped || s == vz.VirtualMachineStateError {
				m.endState = s
				m.crashed = !m.stopping.Load()
				// Calls to a machine that has ended fail at once.
				if a := m.agent.Load(); a != nil {
					a.Close()
				}
				close(m.exited)
				return
			}
		case <-m.abandon:
			return
		}
	}
}

// setReason records why the host ended the machine; the first reason wins.
func (m *machine) setReason(why string) {
	m.reasonMu.Lock()
	defer m.reasonMu.Unlock()
	if m.reason == "" {
		m.reason = why
	}
}

// kill stops the VM at once, without asking the guest. The state watcher
// reports the end.
func (m *machine) kill() {
	m.killMu.Lock()
	defer m.killMu.Unlock()
	if !m.started {
		return
	}
	select {
	case <-m.exited:
		return
	default:
	}
	if err := m.vm.Stop(); err != nil {
		select {
		case <-m.exited:
			// It ended while we asked; the framework then refuses the stop.
		default:
			m.log.Warn("hard stop failed", "state", m.vm.State(), "err", featureErr("hard stop", 12, err))
		}
	}
}

// awaitEnd waits until the VM has ended, repeating the hard stop while it
// runs, and gives up after hardStopTimeout.
func (m *machine) awaitEnd() error {
	if !m.started {
		return nil
	}
	deadline := time.NewTimer(hardStopTimeout)
	defer deadline.Stop()
	retry := time.NewTicker(500 * time.Millisecond)
	defer retry.Stop()
	for {
		select {
		case <-m.exited:
			return nil
		case <-retry.C:
			m.kill()
		case <-deadline.C:
			return fmt.Errorf("stop vz vm %s: still %v %v after a hard stop", m.id, m.vm.State(), hardStopTimeout)
		}
	}
}

// Stop implements vm.Machine. It asks the guest agent to power off, stops
// the VM hard if it has not ended after stopGrace or when ctx ends, and
// releases the machine's host resources. It fails only if the framework
// does not end the VM even when stopped hard.
func (m *machine) Stop(ctx context.Context) error {
	m.stopping.Store(true)
	m.stopOnce.Do(func() {
		go func() {
			sctx, cancel := context.WithTimeout(context.Background(), stopGrace)
			defer cancel()
			if a := m.agent.Load(); a != nil {
				_ = a.Shutdown(sctx)
			}
			select {
			case <-m.exited:
			case <-sctx.Done():
				m.log.Warn("guest did not power off; stopping it hard")
				m.kill()
			}
		}()
	})
	select {
	case <-m.exited:
	case <-ctx.Done():
		m.kill()
	}
	if err := m.awaitEnd(); err != nil {
		return err
	}
	m.cleanup()
	return nil
}

// cleanup releases host resources once the VM has ended (or never
// started), and removes the guest's staging files from the read-write
// shares, so a write the machine did not finish leaves nothing behind. The
// framework's own objects are released when the garbage collector
// finalizes them.
func (m *machine) cleanup() {
	m.cleanupOnce.Do(func() {
		close(m.abandon)
		if a := m.agent.Load(); a != nil {
			a.Close()
		}
		if err := vm.SweepTemp(m.shares); err != nil {
			m.log.Warn("sweep staging files", "err", err)
		}
		if m.ownDir {
			os.RemoveAll(m.dir)
		}
	})
}

// Wait implements vm.Machine.
func (m *machine) Wait() error {
	<-m.exited
	if !m.crashed {
		return nil
	}
	m.reasonMu.Lock()
	why := m.reason
	m.reasonMu.Unlock()
	if why == "" {
		if m.endState == vz.VirtualMachineStateError {
			why = "the Virtualization framework stopped the machine with an error"
		} else {
			why = "the guest powered off by itself or the machine was stopped outside airlock"
		}
	}
	return fmt.Errorf("%w: machine %s: %s", vm.ErrCrashed, m.id, why)
}

// diagnosis summarises the end of the console log, for boot errors.
func (m *machine) diagnosis() string {
	b, err := os.ReadFile(m.consoleLog())
	if err != nil || len(b) == 0 {
		return "no output on the guest console"
	}
	if len(b) > 1024 {
		b = b[len(b)-1024:]
	}
	return "console: " + strings.TrimSpace(string(b))
}
