// Package vmtest holds a fake vm.Backend that runs the real guest agent
// code in-process, and RunBackendTests, the conformance suite every backend
// must pass.
package vmtest

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guest"
	"github.com/airlock-dev/airlock/vm/guestclient"
)

// Fake is a vm.Backend whose "machines" are the real guest agent serving
// over net.Pipe in this process, with shares used directly as host
// directories. It isolates nothing: it exists so that everything above the
// VM can be tested fast and without a hypervisor.
type Fake struct {
	booted atomic.Int64

	mu   sync.Mutex
	last vm.Machine
}

var _ vm.Backend = (*Fake)(nil)

// Name implements vm.Backend.
func (f *Fake) Name() string { return "fake" }

// Last returns the machine this backend started most recently.
func (f *Fake) Last() vm.Machine {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// Booted reports how many machines this backend has started.
func (f *Fake) Booted() int { return int(f.booted.Load()) }

// Start implements vm.Backend.
func (f *Fake) Start(ctx context.Context, cfg vm.Config) (vm.Machine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	host, gconn := net.Pipe()
	token := vm.NewToken()
	var mounts []guest.Mount
	for _, s := range cfg.Shares {
		mounts = append(mounts, guest.Mount{Name: s.Name, Dir: s.HostPath, ReadOnly: s.ReadOnly})
	}
	sctx, cancel := context.WithCancel(context.Background())
	m := &fakeMachine{id: vm.NewID(), shares: cfg.Shares, guestConn: gconn, cancel: cancel, exited: make(chan struct{})}
	go func() {
		err := guest.Serve(sctx, gconn, guest.Config{
			Token:        token,
			AgentVersion: "fake",
			Kernel:       "in-process",
			Mounts:       mounts,
			Logger:       cfg.Logger,
		})
		m.mu.Lock()
		m.crashed = !m.stopping
		m.serveErr = err
		m.mu.Unlock()
		close(m.exited)
	}()
	client, err := guestclient.Handshake(ctx, host, token)
	if err != nil {
		host.Close()
		cancel()
		<-m.exited
		return nil, fmt.Errorf("fake handshake: %w", err)
	}
	m.agent = client
	f.booted.Add(1)
	f.mu.Lock()
	f.last = m
	f.mu.Unlock()
	return m, nil
}

type fakeMachine struct {
	id        string
	shares    []vm.Share
	agent     *guestclient.Client
	guestConn net.Conn
	cancel    context.CancelFunc
	exited    chan struct{}

	mu       sync.Mutex
	stopping bool
	crashed  bool
	serveErr error
}

func (m *fakeMachine) ID() string                 { return m.id }
func (m *fakeMachine) Agent() *guestclient.Client { return m.agent }

// Crash ends the machine abruptly, as if the VM died.
func (m *fakeMachine) Crash() { m.guestConn.Close() }

func (m *fakeMachine) Stop(ctx context.Context) error {
	m.mu.Lock()
	m.stopping = true
	m.mu.Unlock()
	select {
	case <-m.exited:
	default:
		_ = m.agent.Shutdown(ctx)
		m.cancel()
		<-m.exited
	}
	m.agent.Close()
	_ = vm.SweepTemp(m.shares)
	return nil
}

func (m *fakeMachine) Wait() error {
	<-m.exited
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.crashed {
		return fmt.Errorf("%w: fake machine %s: %v", vm.ErrCrashed, m.id, m.serveErr)
	}
	return nil
}

// CrashFake ends a machine started by Fake abruptly. It is the Crash hook
// for RunBackendTests.
func CrashFake(m vm.Machine) error {
	fm, ok := m.(*fakeMachine)
	if !ok {
		return fmt.Errorf("not a fake machine: %T", m)
	}
	fm.Crash()
	return nil
}
