package approvals

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Limits on pending approvals.
const (
	// MaxPendingPerSession is how many approvals one session may have
	// pending at once; more is an approval flood.
	MaxPendingPerSession = 16
	// maxPendingTotal bounds pending approvals over all sessions.
	maxPendingTotal = 4096
)

// Errors returned by Store.
var (
	// ErrForged means the state was not issued by this process for this
	// call: it is malformed, its MAC is wrong, or it names an approval
	// this process does not know for these arguments (for instance one
	// issued before a restart).
	ErrForged = errors.New("approvals: approval state is not valid")
	// ErrUnknown means the approval was already used or has been
	// dropped.
	ErrUnknown = errors.New("approvals: approval unknown or already used")
	// ErrMismatch means the approval was issued for another session, tool
	// or arguments. The approval is used up.
	ErrMismatch = errors.New("approvals: approval was for a different call")
	// ErrExpired means the approval was not answered in time. The
	// approval is used up.
	ErrExpired = errors.New("approvals: approval expired")
	// ErrTooMany means the session already has MaxPendingPerSession
	// approvals pending (or the store is full).
	ErrTooMany = errors.New("approvals: too many pending approvals")
)

// Domain-separation labels for the two HMACs the store computes.
const (
	digestLabel = "airlock/approvals/digest/v1"
	stateLabel  = "airlock/approvals/state/v1"
)

// nonceLen is the length of rand.Text's result: 128 bits in base32.
const nonceLen = 26

// Store keeps pending approvals server-side. Each is bound to a random
// nonce and a digest of (session, tool, canonical arguments); it can be
// taken once and expires. The state string handed to the client is the
// nonce and an HMAC, under a key made for this process, over the nonce and
// the digest: the client can echo it but not forge or alter it, and states
// from a previous process are refused. A Store is safe for concurrent use.
type Store struct {
	key [32]byte
	ttl time.Duration
	now func() time.Time // replaced in tests

	mu      sync.Mutex
	entries map[string]*entry // by nonce
}

// entry is one pending approval.
type entry struct {
	session string
	digest  []byte
	plan    Plan
	expires time.Time
}

// NewStore returns an empty store whose approvals live for ttl (or for
// DefaultTimeout when ttl is not positive), with a fresh random HMAC key.
func NewStore(ttl time.Duration) *Store {
	if ttl <= 0 {
		ttl = DefaultTimeout
	}
	s := &Store{ttl: ttl, now: time.Now, entries: make(map[string]*entry)}
	rand.Read(s.key[:]) // never fails (crypto/rand, Go 1.24+)
	return s
}

// Put records a pending approval for a call of tool with the raw JSON
// arguments args in session, with the plan the user will see, and returns
// the opaque state to send with the elicitation and to pass to Take. It
// fails with an error wrapping ErrBadJSON when the arguments are not
// acceptable to Canonical, and with ErrTooMany when the session already
// has MaxPendingPerSession approvals pending.
func (s *Store) Put(session, tool string, args []byte, plan Plan) (string, error) {
	canon, err := Canonical(args)
	if err != nil {
		return "", fmt.Errorf("approvals: arguments: %w", err)
	}
	digest := s.digest(session, tool, canon)
	now := s.now()

	s.mu.Lock()
	defer s.mu.Unlock()
	mine, total := s.sweepLocked(session, now)
	if mine >= MaxPendingPerSession {
		return "", fmt.Errorf("%w: %d pending in this session (limit %d)", ErrTooMany, mine, MaxPendingPerSession)
	}
	if total >= maxPendingTotal {
		return "", fmt.Errorf("%w: %d pending in all sessions", ErrTooMany, total)
	}
	nonce := rand.Text()
	for s.entries[nonce] != nil {
		nonce = rand.Text()
	}
	s.entries[nonce] = &entry{
		session: session,
		digest:  digest,
		plan:    plan.clone(),
		expires: now.Add(s.ttl),
	}
	return nonce + "." + base64.RawURLEncoding.EncodeToString(s.mac(nonce, digest)), nil
}

// Take checks state against the call (session, tool, args) and, when it
// matches a pending approval, removes that approval and returns its plan.
// Errors, in the order they are checked:
//
//   - ErrForged: the state is malformed or its MAC does not verify;
//   - ErrUnknown: the state is genuine for this call but the approval was
//     already taken or dropped;
//   - ErrMismatch: the approval was for another session, tool or
//     arguments (the approval is used up all the same);
//   - ErrExpired: the approval is older than the store's TTL (used up).
//
// A failed Take never runs the call: ask again.
func (s *Store) Take(session, tool string, args []byte, state string) (Plan, error) {
	nonce, mac, ok := parseState(state)
	if !ok {
		return Plan{}, ErrForged
	}
	var presented []byte
	if canon, err := Canonical(args); err == nil {
		presented = s.digest(session, tool, canon)
	}
	now := s.now()

	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[nonce]
	if e == nil {
		if presented != nil && hmac.Equal(mac, s.mac(nonce, presented)) {
			return Plan{}, ErrUnknown
		}
		return Plan{}, ErrForged
	}
	if !hmac.Equal(mac, s.mac(nonce, e.digest)) {
		return Plan{}, ErrForged
	}
	delete(s.entries, nonce)
	if presented == nil || !hmac.Equal(presented, e.digest) {
		return Plan{}, ErrMismatch
	}
	if now.After(e.expires) {
		return Plan{}, ErrExpired
	}
	return e.plan.clone(), nil
}

// Pending returns how many unexpired approvals session has pending.
func (s *Store) Pending(session string) int {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.entries {
		if e.session == session && !now.After(e.expires) {
			n++
		}
	}
	return n
}

// End drops every approval pending in session, for when it ends.
func (s *Store) End(session string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for nonce, e := range s.entries {
		if e.session == session {
			delete(s.entries, nonce)
		}
	}
}

// sweepLocked drops approvals that expired more than a TTL ago (expired
// ones are kept that long so Take can report ErrExpired rather than
// ErrUnknown), and counts the unexpired ones of session and of all
// sessions. s.mu must be held.
func (s *Store) sweepLocked(session string, now time.Time) (mine, total int) {
	for nonce, e := range s.entries {
		switch {
		case now.After(e.expires.Add(s.ttl)):
			delete(s.entries, nonce)
		case now.After(e.expires):
		default:
			total++
			if e.session == session {
				mine++
			}
		}
	}
	return mine, total
}

// digest binds a call: HMAC(key, label, session, tool, canonical args),
// each length-prefixed.
func (s *Store) digest(session, tool string, canon []byte) []byte {
	h := hmac.New(sha256.New, s.key[:])
	writeField(h, []byte(digestLabel))
	writeField(h, []byte(session))
	writeField(h, []byte(tool))
	writeField(h, canon)
	return h.Sum(nil)
}

// mac authenticates a state: HMAC(key, label, nonce, digest).
func (s *Store) mac(nonce string, digest []byte) []byte {
	h := hmac.New(sha256.New, s.key[:])
	writeField(h, []byte(stateLabel))
	writeField(h, []byte(nonce))
	writeField(h, digest)
	return h.Sum(nil)
}

// writeField writes len(b) as 8 big-endian bytes, then b.
func writeField(w interface{ Write([]byte) (int, error) }, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	w.Write(n[:])
	w.Write(b)
}

// parseState splits a state into its nonce and MAC. It accepts only the
// exact form Put produces, so no two distinct strings name the same state.
func parseState(state string) (nonce string, mac []byte, ok bool) {
	nonce, enc, found := strings.Cut(state, ".")
	if !found || len(nonce) != nonceLen {
		return "", nil, false
	}
	for i := 0; i < len(nonce); i++ {
		c := nonce[i]
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return "", nil, false
		}
	}
	mac, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil || len(mac) != sha256.Size || base64.RawURLEncoding.EncodeToString(mac) != enc {
		return "", nil, false
	}
	return nonce, mac, true
}
