package mcp

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/audit"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/tools/web"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestclient"
)

// Sandbox is one session's VM and mounts. It implements tools.Session.
type Sandbox struct {
	key     string
	mounts  tools.Mounts
	acquire func(ctx context.Context) (vm.Machine, error)
	log     *slog.Logger
	// audit is the session's audit log and journal (nil when the server
	// keeps none); auditErr is why it could not be opened.
	auditOnce sync.Once
	audit     *audit.Log
	auditErr  error
	transport string
	// boundary marks untrusted content in this session's results; random,
	// so content cannot forge the closing marker.
	boundary string
	// injection is what this session does with flagged content.
	injection approvals.InjectionMode
	// egress is the session's door to the web, made on first use.
	egressOnce sync.Once
	egress     *sessionEgress
	newEgress  func(*Sandbox) (*sessionEgress, error)

	mu       sync.Mutex
	machine  vm.Machine
	booting  chan struct{} // closed when the current boot attempt ends
	bootErr  error
	closed   bool
	lastUsed time.Time
}

var _ tools.Session = (*Sandbox)(nil)

// Egress implements web.EgressSession: the session's egress gate, made on
// first use. Nil means the session has no web access.
func (sb *Sandbox) Egress() web.Egress {
	sb.egressOnce.Do(func() {
		if sb.newEgress == nil {
			return
		}
		e, err := sb.newEgress(sb)
		if err != nil {
			sb.log.Error("egress unavailable", "err", err)
			return
		}
		sb.egress = e
	})
	if sb.egress == nil {
		return nil
	}
	return sb.egress
}

// Mounts implements tools.Session.
func (sb *Sandbox) Mounts() tools.Mounts { return sb.mounts }

// Agent implements tools.Session: it returns the VM's agent, booting (or
// taking a warm spare) on first use, and replacing a VM that died.
func (sb *Sandbox) Agent(ctx context.Context) (*guestclient.Client, error) {
	for {
		sb.mu.Lock()
		sb.lastUsed = time.Now()
		if sb.closed {
			sb.mu.Unlock()
			return nil, fmt.Errorf("session ended")
		}
		if m := sb.machine; m != nil {
			select {
			case <-m.Agent().Done():
				// The VM died (crash, kill, protocol violation): drop it
				// and boot a fresh one. Files live on the host; nothing
				// in the VM needs saving.
				sb.log.Warn("sandbox VM ended; starting a new one", "vm", m.ID(), "err", m.Agent().Err())
				sb.machine = nil
				go m.Stop(context.Background())
			default:
				sb.mu.Unlock()
				return m.Agent(), nil
			}
		}
		if sb.booting == nil {
			sb.booting = make(chan struct{})
			go sb.boot(sb.booting)
		}
		wait := sb.booting
		sb.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wait:
		}
		sb.mu.Lock()
		err := sb.bootErr
		sb.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
}

func (sb *Sandbox) boot(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	m, err := sb.acquire(ctx)
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.booting = nil
	sb.bootErr = err
	if err == nil {
		if sb.closed {
			go m.Stop(context.Background())
		} else {
			sb.machine = m
			sb.log.Info("sandbox ready", "session", sb.key, "vm", m.ID(), "wait", time.Since(start).Round(time.Millisecond))
		}
	} else {
		sb.log.Error("sandbox VM failed to start", "session", sb.key, "err", err)
	}
	close(done)
}

// Ready reports whether the sandbox has a live VM right now.
func (sb *Sandbox) Ready() bool {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if sb.machine == nil {
		return false
	}
	select {
	case <-sb.machine.Agent().Done():
		return false
	default:
		return true
	}
}

// Prewarm starts the VM in the background so the first tool call does
// not wait for a boot.
func (sb *Sandbox) Prewarm() {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		_, _ = sb.Agent(ctx)
	}()
}

// idleSince reports when the sandbox was last used.
func (sb *Sandbox) idleSince() time.Time {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.lastUsed
}

// Close stops the VM. It is idempotent.
func (sb *Sandbox) Close(ctx context.Context) {
	sb.mu.Lock()
	sb.closed = true
	m := sb.machine
	sb.machine = nil
	sb.mu.Unlock()
	// Close the web connections first: each logs its end to the audit
	// log, which is sealed below.
	sb.egressOnce.Do(func() {})
	if sb.egress != nil {
		sb.egress.close()
	}
	if m != nil {
		m.Stop(ctx)
		sb.log.Info("sandbox stopped", "session", sb.key, "vm", m.ID())
	}
	if sb.audit != nil {
		if err := sb.audit.Seal(); err != nil {
			sb.log.Error("seal audit log", "err", err)
		}
		sb.audit.Close()
		sb.audit = nil
	}
}
