package approvals

import "sync"

// Grants holds "allow for this session" decisions: per session, the kinds
// the user allowed for the rest of the session. A Grants is safe for
// concurrent use.
type Grants struct {
	mu sync.RWMutex
	m  map[string]map[Kind]bool
}

// NewGrants returns an empty set of grants.
func NewGrants() *Grants {
	return &Grants{m: make(map[string]map[Kind]bool)}
}

// Grant allows kind k without asking for the rest of session. Grant only
// the kinds the user was asked about (Policy.Asking), so that a grant
// never covers more than the prompt showed.
func (g *Grants) Grant(session string, k Kind) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ks := g.m[session]
	if ks == nil {
		ks = make(map[Kind]bool)
		g.m[session] = ks
	}
	ks[k] = true
}

// Has reports whether kind k is granted for session.
func (g *Grants) Has(session string, k Kind) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.m[session][k]
}

// Func returns Has bound to session, in the form Policy.Decide takes.
func (g *Grants) Func(session string) func(Kind) bool {
	return func(k Kind) bool { return g.Has(session, k) }
}

// End forgets every grant of session, for when it ends.
func (g *Grants) End(session string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.m, session)
}
