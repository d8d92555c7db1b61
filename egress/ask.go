package egress

import "context"

// question is one pending question to the user, shared by every dial to
// the same host and port that arrives while it is open.
type question struct {
	done    chan struct{} // closed when ok and err are set
	ok      bool
	err     error
	waiters int                // dials waiting; guarded by Gate.mu
	cancel  context.CancelFunc // withdraws the question
}

// ask returns the user's answer about host:port, asking at most once at a
// time: concurrent callers share one question. A yes or no is remembered
// in Gate.answers for the rest of the session; an error is not. When every waiting caller has given up, the question is withdrawn
// (its context cancelled).
func (g *Gate) ask(ctx context.Context, host string, port int) (bool, error) {
	key := hostPort(host, port)
	g.mu.Lock()
	if ok, asked := g.answers[key]; asked {
		g.mu.Unlock()
		return ok, nil
	}
	q := g.questions[key]
	if q == nil {
		// The question outlives the dial that opens it as long as other
		// dials wait for it, and keeps that dial's values (the MCP
		// session to ask through).
		qctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		stop := context.AfterFunc(g.ctx, cancel)
		q = &question{done: make(chan struct{}), cancel: cancel}
		g.questions[key] = q
		go func() {
			ok, err := g.o.Ask(qctx, host, port)
			stop()
			cancel()
			g.mu.Lock()
			if g.questions[key] == q {
				delete(g.questions, key)
			}
			if err == nil {
				g.answers[key] = ok
			}
			q.ok, q.err = ok, err
			g.mu.Unlock()
			close(q.done)
		}()
	}
	q.waiters++
	g.mu.Unlock()

	select {
	case <-q.done:
		return q.ok, q.err
	case <-ctx.Done():
		g.mu.Lock()
		q.waiters--
		if q.waiters == 0 {
			q.cancel()
			if g.questions[key] == q {
				delete(g.questions, key)
			}
		}
		g.mu.Unlock()
		return false, ctx.Err()
	}
}
