package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Operations recorded in the journal.
const (
	OpWrite  = "write"
	OpEdit   = "edit"
	OpDelete = "delete"
	OpMove   = "move"
	OpCopy   = "copy"
	OpMkdir  = "mkdir"
)

func validOp(op string) bool {
	switch op {
	case OpWrite, OpEdit, OpDelete, OpMove, OpCopy, OpMkdir:
		return true
	}
	return false
}

// Entry states in the journal.
const (
	StatePending = "pending" // Before ran; the operation may or may not have happened
	StateDone    = "done"    // Commit recorded the result
)

// ErrCommitted reports a second Commit of the same Pending.
var ErrCommitted = errors.New("audit: journal entry already committed")

// Mount is a folder the user shared. Root is its absolute host path.
type Mount struct{ Name, Root string }

// Change names one path an operation may change: Path is slash-separated,
// relative to the mount root, and must not pass through a symbolic link.
// Callers list every path that changes: for a move both the source and
// the final destination, for a copy only the destination.
type Change struct {
	Mount Mount
	Path  string
}

// ChangeRecord is one journaled path: its state before the operation and,
// once committed, after it.
type ChangeRecord struct {
	Mount  string     `json:"mount"`
	Root   string     `json:"root"`
	Path   string     `json:"path"`
	Before FileState  `json:"before"`
	After  *FileState `json:"after,omitempty"`
}

// Entry is one line of journal/entries.jsonl. Before writes a pending line
// with a new ID; Commit writes a done line with the same ID, repeating the
// pending line's changes (with After filled in) and adding paths found
// below directories the operation created. Prev chains the lines like the
// audit log: it is the hex SHA-256 of the previous line.
type Entry struct {
	ID      int64          `json:"id"`
	Seq     int64          `json:"seq"`
	Op      string         `json:"op"`
	State   string         `json:"state"`
	Changes []ChangeRecord `json:"changes"`
	// Truncated marks a done entry that stopped listing created paths at
	// Log.MaxEntries; rollback cannot remove what it does not list.
	Truncated bool   `json:"truncated,omitempty"`
	Prev      string `json:"prev"`
}

// journal is the append side of entries.jsonl.
type journal struct {
	mu     sync.Mutex
	dir    string
	f      *os.File
	size   int64
	lastID int64
	head   string
	broken error
}

// open opens entries.jsonl in dir, verifying it against a log of maxSeq
// records and dropping a torn tail.
func (j *journal) open(dir string, maxSeq int64) error {
	f, err := openAppend(filepath.Join(dir, entriesName))
	if err != nil {
		return fmt.Errorf("audit: open journal: %w", err)
	}
	sc, err := scanJournal(f, maxSeq, nil)
	if err == nil && sc.bad != nil {
		err = sc.bad
	}
	if err == nil && sc.torn {
		err = truncate(f, sc.size)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("audit: open journal %s: %w", filepath.Join(dir, entriesName), err)
	}
	j.dir, j.f, j.size, j.lastID, j.head = dir, f, sc.size, sc.lastID, sc.head
	return nil
}

func (j *journal) close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

// append assigns e a new ID if it is pending, chains it and writes it.
func (j *journal) append(e *Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.broken != nil {
		return fmt.Errorf("journal unusable after earlier failure: %w", j.broken)
	}
	if e.State == StatePending {
		e.ID = j.lastID + 1
	}
	e.Prev = j.head
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode journal entry: %w", err)
	}
	if len(line) > maxJournalLine {
		return fmt.Errorf("journal entry of %d bytes: %w", len(line), ErrTooLarge)
	}
	if err := writeLine(j.f, j.size, line); err != nil {
		j.broken = err
		return err
	}
	j.size += int64(len(line)) + 1
	j.head = lineHash(line)
	j.lastID = max(j.lastID, e.ID)
	return nil
}

// root returns the cached os.Root for a mount root.
func (l *Log) root(dir string) (*os.Root, error) {
	l.rmu.Lock()
	defer l.rmu.Unlock()
	if r, ok := l.roots[dir]; ok {
		return r, nil
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	l.roots[dir] = r
	return r, nil
}

func (l *Log) maxEntries() int {
	if l.MaxEntries > 0 {
		return l.MaxEntries
	}
	return DefaultMaxEntries
}

func (l *Log) hashLimit() int64 {
	if l.HashLimit > 0 {
		return l.HashLimit
	}
	return DefaultHashLimit
}

// Pending is a journal entry between Before and Commit.
type Pending struct {
	l        *Log
	mu       sync.Mutex
	e        Entry
	mounts   []Mount
	expanded []bool // the directory's subtree was captured by Before
	seen     map[[2]string]bool
	done     bool
}

// Before captures the current state of every path in changes, keeping file
// contents up to maxBytes each (maxBytes <= 0 means DefaultMaxBytes) as
// content-addressed objects, and writes a pending journal entry for the
// operation op that audit record seq describes. Unless op is "mkdir", a
// path that is a directory is expanded: every file, directory and link
// below it is captured as a change of its own (at most Log.MaxEntries
// paths, else ErrTooMany and nothing is written).
//
// When Before returns, the pre-images and the pending entry are on disk, so
// the caller may change the files; it must then call Commit, also when the
// operation failed. If the process dies in between, rollback treats the
// entry as possibly applied.
func (l *Log) Before(seq int64, op string, changes []Change, maxBytes int64) (*Pending, error) {
	if l.isClosed() {
		return nil, ErrClosed
	}
	if !validOp(op) {
		return nil, fmt.Errorf("%w: operation %q", ErrInvalid, op)
	}
	if last := l.lastSeq(); seq < 1 || seq > last {
		return nil, fmt.Errorf("%w: seq %d is not in the log (last is %d)", ErrInvalid, seq, last)
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	p := &Pending{l: l, e: Entry{Seq: seq, Op: op, State: StatePending}, seen: map[[2]string]bool{}}
	store := &objectStore{dir: filepath.Join(l.dir, journalDir, objectsDir)}
	budget := l.maxEntries()
	for _, ch := range changes {
		if err := p.before(ch, store, maxBytes, &budget); err != nil {
			return nil, fmt.Errorf("audit: before %s seq %d: %w", op, seq, err)
		}
	}
	if err := store.sync(); err != nil {
		return nil, fmt.Errorf("audit: before %s seq %d: sync objects: %w", op, seq, err)
	}
	if err := l.j.append(&p.e); err != nil {
		return nil, fmt.Errorf("audit: before %s seq %d: %w", op, seq, err)
	}
	return p, nil
}

// before captures one requested change and, if needed, its subtree.
func (p *Pending) before(ch Change, store *objectStore, maxBytes int64, budget *int) error {
	m := ch.Mount
	if m.Name == "" || !filepath.IsAbs(m.Root) {
		return fmt.Errorf("%w: mount %q with root %q", ErrInvalid, m.Name, m.Root)
	}
	if err := checkRelPath(ch.Path); err != nil {
		return err
	}
	if p.seen[[2]string{m.Name, ch.Path}] {
		return nil
	}
	root, err := p.l.root(m.Root)
	if err != nil {
		return err
	}
	c := &capturer{root: root, maxBytes: maxBytes, hashLimit: p.l.hashLimit(), store: store}
	st, err := c.capture(ch.Path)
	if err != nil {
		return err
	}
	if *budget--; *budget < 0 {
		return ErrTooMany
	}
	p.add(m, ch.Path, st, nil)
	if st.Type != KindDir || p.e.Op == OpMkdir {
		return nil
	}
	p.expanded[len(p.expanded)-1] = true
	fi, err := root.Lstat(ch.Path)
	if err != nil {
		return err
	}
	var items []walkItem
	err = walk(root, ch.Path, fi, budget, func(rel string, fi fs.FileInfo) error {
		if !p.seen[[2]string{m.Name, rel}] {
			items = append(items, walkItem{rel, fi})
		}
		return nil
	})
	if err != nil {
		return err
	}
	states, err := c.captureAll(items)
	if err != nil {
		return err
	}
	for i, it := range items {
		p.add(m, it.rel, states[i], nil)
	}
	return nil
}

func (p *Pending) add(m Mount, rel string, before FileState, after *FileState) {
	p.seen[[2]string{m.Name, rel}] = true
	p.e.Changes = append(p.e.Changes, ChangeRecord{Mount: m.Name, Root: m.Root, Path: rel, Before: before, After: after})
	p.mounts = append(p.mounts, m)
	p.expanded = append(p.expanded, false)
}

// Seq returns the audit sequence number the entry belongs to.
func (p *Pending) Seq() int64 { return p.e.Seq }

// Undoable reports whether every captured path can be restored: false if a
// file's content was too large to keep or a path is a special file.
func (p *Pending) Undoable() bool { return len(p.Unrecoverable()) == 0 }

// Unrecoverable lists, as "mount:path", the captured paths whose pre-image
// could not be kept.
func (p *Pending) Unrecoverable() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, c := range p.e.Changes {
		if c.Before.TooLarge || c.Before.Type == KindOther {
			out = append(out, c.Mount+":"+c.Path)
		}
	}
	return out
}

// Commit records the state of every path after the operation, adds the
// paths below directories the operation created (or below directories
// Before expanded) and appends the done entry. If more than Log.MaxEntries
// new paths appear, the entry is written with Truncated set and Commit
// returns ErrTooMany.
func (p *Pending) Commit() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return ErrCommitted
	}
	if p.l.isClosed() {
		return ErrClosed
	}
	budget := p.l.maxEntries()
	var tooMany error
	n := len(p.e.Changes)
	for i := range n {
		m, rel := p.mounts[i], p.e.Changes[i].Path
		root, err := p.l.root(m.Root)
		if err != nil {
			return fmt.Errorf("audit: commit seq %d: %w", p.e.Seq, err)
		}
		c := &capturer{root: root, hashLimit: p.l.hashLimit()}
		st, err := c.capture(rel)
		if errors.Is(err, ErrSymlinkInPath) {
			st, err = FileState{}, nil // not reachable without following a link
		}
		if err != nil {
			return fmt.Errorf("audit: commit seq %d: %w", p.e.Seq, err)
		}
		p.e.Changes[i].After = &st
		before := p.e.Changes[i].Before
		if st.Type != KindDir || (before.Type == KindDir && !p.expanded[i]) || tooMany != nil {
			continue
		}
		fi, err := root.Lstat(rel)
		if err != nil {
			return fmt.Errorf("audit: commit seq %d: %w", p.e.Seq, err)
		}
		err = walk(root, rel, fi, &budget, func(rel string, fi fs.FileInfo) error {
			if p.seen[[2]string{m.Name, rel}] {
				return nil
			}
			st, err := c.captureInfo(rel, fi)
			if err != nil {
				return err
			}
			p.add(m, rel, FileState{}, &st)
			return nil
		})
		if errors.Is(err, ErrTooMany) {
			tooMany, err = err, nil
			p.e.Truncated = true
		}
		if err != nil {
			return fmt.Errorf("audit: commit seq %d: %w", p.e.Seq, err)
		}
	}
	p.e.State = StateDone
	if err := p.l.j.append(&p.e); err != nil {
		p.e.State = StatePending
		return fmt.Errorf("audit: commit seq %d: %w", p.e.Seq, err)
	}
	p.done = true
	if tooMany != nil {
		return fmt.Errorf("audit: commit seq %d: created paths not all listed: %w", p.e.Seq, tooMany)
	}
	return nil
}
