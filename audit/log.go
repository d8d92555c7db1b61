package audit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrClosed reports use of a Log after Close.
	ErrClosed = errors.New("audit: log is closed")
	// ErrCorrupt reports a log or journal that fails verification: it was
	// modified, or the disk damaged it. A torn last line is not ErrCorrupt.
	ErrCorrupt = errors.New("audit: log or journal failed verification")
	// ErrBadSessionID reports a session ID that is not a single path element.
	ErrBadSessionID = errors.New("audit: bad session ID")
	// ErrTooLarge reports a record whose encoding exceeds the line limit.
	ErrTooLarge = errors.New("audit: record too large")
)

// Record types used by airlock. Append accepts any non-empty type.
const (
	TypeSessionStart = "session_start"
	TypeToolCall     = "tool_call"
	TypeApproval     = "approval"
	TypeNetwork      = "network"
	TypeVerdict      = "verdict"
	TypeSessionEnd   = "session_end"
	TypeRollback     = "rollback"
)

// File names inside a session directory.
const (
	logName     = "audit.jsonl"
	journalDir  = "journal"
	objectsDir  = "objects"
	entriesName = "entries.jsonl"
)

// maxLine and maxJournalLine bound one line of the log and of the journal,
// so that a damaged or hostile file cannot make a reader allocate without
// limit. A journal line lists up to Log.MaxEntries paths (twice that for a
// done entry), hence its larger bound. They are variables only so that
// tests can lower them.
var (
	maxLine        = 16 << 20
	maxJournalLine = 256 << 20
)

// zeroHash is the "prev" of the first record.
var zeroHash = strings.Repeat("0", 64)

// Record is one parsed line of audit.jsonl.
type Record struct {
	Seq  int64           `json:"seq"`
	Time time.Time       `json:"time"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
	Prev string          `json:"prev"`
	Hash string          `json:"hash"`
}

// wireRecord is the on-disk form of a Record. Its field order is the
// canonical key order; Time stays a string so that verification sees exactly
// what was written.
type wireRecord struct {
	Seq  int64           `json:"seq"`
	Time string          `json:"time"`
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
	Prev string          `json:"prev"`
	Hash string          `json:"hash,omitempty"`
}

// encodeRecord returns the canonical line for w (without newline) and its
// hash. w.Hash is ignored.
func encodeRecord(w wireRecord) (line []byte, hash string, err error) {
	w.Hash = ""
	body, err := json.Marshal(w)
	if err != nil {
		return nil, "", fmt.Errorf("encode record: %w", err)
	}
	sum := sha256.Sum256(body)
	hash = hex.EncodeToString(sum[:])
	line = make([]byte, 0, len(body)+len(`,"hash":""`)+len(hash))
	line = append(line, body[:len(body)-1]...)
	line = append(line, `,"hash":"`...)
	line = append(line, hash...)
	line = append(line, `"}`...)
	return line, hash, nil
}

// Log is one session's audit log and journal. Its methods are safe for
// concurrent use.
type Log struct {
	// MaxEntries bounds the number of paths one journal entry may cover,
	// including the expansion of directories; zero means DefaultMaxEntries.
	// Set it before the Log is shared.
	MaxEntries int
	// HashLimit bounds the size of files whose SHA-256 is computed without
	// keeping their content; zero means DefaultHashLimit. Set it before the
	// Log is shared.
	HashLimit int64

	dir string

	mu     sync.Mutex // guards the fields below and writes to f
	f      *os.File
	size   int64
	seq    int64
	head   string
	closed bool
	broken error

	j journal

	rmu   sync.Mutex
	roots map[string]*os.Root
}

// NewSessionID returns a new, time-sortable session ID such as
// 20261126T220000Z-a1b2c3d4: the UTC time to the second and 32 random bits.
func NewSessionID() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

func validSessionID(id string) bool {
	return id != "" && id != "." && id != ".." && filepath.Base(id) == id &&
		!strings.ContainsAny(id, `/\`) && len(id) <= 128
}

// Open opens the session's log and journal, creating the directories and
// files as needed. If the log already exists (a restarted server), Open
// verifies it and continues its chain; a torn last line left by a crash is
// discarded, and any other verification failure is returned as ErrCorrupt.
func Open(stateDir, sessionID string) (*Log, error) {
	if !validSessionID(sessionID) {
		return nil, fmt.Errorf("%w: %q", ErrBadSessionID, sessionID)
	}
	dir := filepath.Join(stateDir, "sessions", sessionID)
	if err := ensureDir(filepath.Join(dir, journalDir, objectsDir)); err != nil {
		return nil, fmt.Errorf("audit: create session directory: %w", err)
	}
	l := &Log{dir: dir, roots: map[string]*os.Root{}}
	f, err := openAppend(filepath.Join(dir, logName))
	if err != nil {
		return nil, fmt.Errorf("audit: open log: %w", err)
	}
	l.f = f
	sc, err := scanLog(f, nil)
	if err == nil && sc.bad != nil {
		err = sc.bad
	}
	if err == nil && sc.torn {
		err = truncate(f, sc.size)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("audit: open log %s: %w", l.logPath(), err)
	}
	l.size, l.seq, l.head = sc.size, sc.records, sc.head
	if err := l.j.open(filepath.Join(dir, journalDir), l.seq); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// openAppend opens (creating if needed) an append-only file and makes its
// directory entry durable when it was created.
func openAppend(name string) (*os.File, error) {
	_, statErr := os.Lstat(name)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		if err := syncDir(filepath.Dir(name)); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// truncate cuts f back to size (dropping a torn tail) and syncs it.
func truncate(f *os.File, size int64) error {
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("drop torn tail: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("drop torn tail: %w", err)
	}
	return nil
}

// Dir returns the session directory.
func (l *Log) Dir() string { return l.dir }

func (l *Log) logPath() string { return filepath.Join(l.dir, logName) }

// Head returns the sequence number of the last record and the hex SHA-256 of
// its line (the "prev" of the next record). Keeping a copy of it outside the
// state directory lets a later Verify detect a consistently rewritten or
// shortened log.
func (l *Log) Head() (seq int64, hash string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq, l.head
}

// Append adds one record of type typ whose "data" is data encoded as JSON (a
// nil data is recorded as {}), fsyncs it and returns its sequence number.
// Data must never contain file contents. Concurrent calls are serialized;
// sequence numbers are contiguous from 1.
func (l *Log) Append(typ string, data any) (int64, error) {
	if typ == "" {
		return 0, errors.New("audit: append: empty record type")
	}
	raw := json.RawMessage("{}")
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return 0, fmt.Errorf("audit: append %s: encode data: %w", typ, err)
		}
		raw = b
	}
	if len(raw) > maxLine {
		return 0, fmt.Errorf("audit: append %s: %d bytes of data: %w", typ, len(raw), ErrTooLarge)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.appendLocked(typ, raw)
}

// appendLocked is Append with l.mu held and data already encoded.
func (l *Log) appendLocked(typ string, raw json.RawMessage) (int64, error) {
	if l.closed {
		return 0, ErrClosed
	}
	if l.broken != nil {
		return 0, fmt.Errorf("audit: append %s: log unusable after earlier failure: %w", typ, l.broken)
	}
	w := wireRecord{
		Seq:  l.seq + 1,
		Time: time.Now().UTC().Format(time.RFC3339Nano),
		Type: typ,
		Data: raw,
		Prev: l.head,
	}
	line, _, err := encodeRecord(w)
	if err != nil {
		return 0, fmt.Errorf("audit: append %s: %w", typ, err)
	}
	if len(line) > maxLine {
		return 0, fmt.Errorf("audit: append %s: %d bytes: %w", typ, len(line), ErrTooLarge)
	}
	if err := writeLine(l.f, l.size, line); err != nil {
		l.broken = err
		return 0, fmt.Errorf("audit: append %s: %w", typ, err)
	}
	l.size += int64(len(line)) + 1
	l.seq = w.Seq
	l.head = lineHash(line)
	return w.Seq, nil
}

// writeLine appends line and a newline to f in one write and fsyncs it. On
// a failed write it tries to cut f back to size so that no partial line
// stays behind; an error means the file should not be written again.
func writeLine(f *os.File, size int64, line []byte) error {
	buf := make([]byte, len(line)+1)
	copy(buf, line)
	buf[len(line)] = '\n'
	if _, err := f.Write(buf); err != nil {
		if terr := f.Truncate(size); terr != nil {
			return fmt.Errorf("write: %w (and truncate: %w)", err, terr)
		}
		return fmt.Errorf("write: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync: %w", err)
	}
	return nil
}

// lineHash is the hex SHA-256 of a line without its newline.
func lineHash(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:])
}

// Seal appends a session_end record whose data holds the number of records
// in the log including itself ({"records":N}). It does not close the log;
// records may still follow, for example a later rollback.
func (l *Log) Seal() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	raw := fmt.Appendf(nil, `{"records":%d}`, l.seq+1)
	_, err := l.appendLocked(TypeSessionEnd, raw)
	return err
}

// Close closes the log and journal files and the mount roots. It appends
// nothing; use Seal to end the session in the log.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	err := l.f.Close()
	l.mu.Unlock()
	err = errors.Join(err, l.j.close())
	l.rmu.Lock()
	for k, r := range l.roots {
		err = errors.Join(err, r.Close())
		delete(l.roots, k)
	}
	l.rmu.Unlock()
	if err != nil {
		return fmt.Errorf("audit: close: %w", err)
	}
	return nil
}

func (l *Log) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// lastSeq returns the sequence number of the last record.
func (l *Log) lastSeq() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}
