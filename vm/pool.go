package vm

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// ErrPoolClosed is returned by Pool.Get after Close.
var ErrPoolClosed = errors.New("vm: pool closed")

// Pool keeps spare machines booted ahead of demand, all with the same
// Config, so a new session does not wait for a boot. Every machine is
// handed out once and never returned: a session's machine is stopped when
// the session ends, and the pool boots a fresh spare to replace it.
type Pool struct {
	backend Backend
	cfg     Config
	size    int
	log     *slog.Logger

	mu      sync.Mutex
	spares  []Machine
	closed  bool
	booting bool
	wake    chan struct{} // signals the filler
	done    chan struct{} // closed when the filler exits
	ctx     context.Context
	cancel  context.CancelFunc
}

// NewPool starts a pool that keeps size spare machines (size 0 keeps none:
// Get then always boots). Boots happen one at a time in the background.
func NewPool(b Backend, cfg Config, size int) *Pool {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{
		backend: b, cfg: cfg, size: size, log: log,
		wake: make(chan struct{}, 1), done: make(chan struct{}),
		ctx: ctx, cancel: cancel,
	}
	go p.fill()
	p.signal()
	return p
}

func (p *Pool) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// fill boots spares until the pool holds size of them.
func (p *Pool) fill() {
	defer close(p.done)
	backoff := time.Second
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-p.wake:
		}
		for {
			p.mu.Lock()
			need := !p.closed && len(p.spares) < p.size
			p.booting = need
			p.mu.Unlock()
			if !need {
				break
			}
			m, err := p.backend.Start(p.ctx, p.cfg)
			if err != nil {
				if p.ctx.Err() != nil {
					return
				}
				p.log.Warn("pool: boot spare", "err", err, "retry_in", backoff)
				select {
				case <-p.ctx.Done():
					return
				case <-time.After(backoff):
				}
				backoff = min(backoff*2, time.Minute)
				continue
			}
			backoff = time.Second
			p.mu.Lock()
			if p.closed {
				p.mu.Unlock()
				m.Stop(context.Background())
				return
			}
			p.spares = append(p.spares, m)
			p.mu.Unlock()
		}
	}
}

// Ready reports how many spares are booted and waiting.
func (p *Pool) Ready() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.spares)
}

// Get returns a machine for exclusive use: a ready spare if there is one
// that is still alive, otherwise a freshly booted one. The caller owns
// the machine and must Stop it.
func (p *Pool) Get(ctx context.Context) (Machine, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrPoolClosed
		}
		if len(p.spares) == 0 {
			p.mu.Unlock()
			break
		}
		m := p.spares[0]
		p.spares = p.spares[1:]
		p.mu.Unlock()
		p.signal()
		// A spare that died while idle is never handed out. The ping
		// costs about a millisecond and also catches a hung guest.
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := m.Agent().Ping(pctx)
		cancel()
		if err != nil {
			p.log.Warn("pool: spare unusable", "vm", m.ID(), "err", err)
			go m.Stop(context.Background())
			continue
		}
		return m, nil
	}
	p.signal()
	return p.backend.Start(ctx, p.cfg)
}

// Close stops every spare and the background booting. Machines already
// handed out are the callers' to stop.
func (p *Pool) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.done
		return nil
	}
	p.closed = true
	spares := p.spares
	p.spares = nil
	p.mu.Unlock()
	p.cancel()
	<-p.done
	var wg sync.WaitGroup
	for _, m := range spares {
		wg.Add(1)
		go func() { defer wg.Done(); m.Stop(ctx) }()
	}
	wg.Wait()
	return nil
}
