package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// VerifyResult is the outcome of Verify.
type VerifyResult struct {
	// Records is the number of log records that verified.
	Records int
	// OK is true if neither the log nor the journal shows damage or
	// tampering. A torn tail alone leaves OK true.
	OK bool
	// FirstBad is the line number (from 1) of the first log line that
	// failed, or 0.
	FirstBad int64
	// Reason says what failed, or describes a torn tail.
	Reason string
	// TornTail reports that the log ends in an incomplete line, as a crash
	// during an append leaves it; the records before it verified.
	TornTail bool
	// Head is the hex SHA-256 of the last verified log line; compare it
	// with a copy kept elsewhere to detect a rewritten or shortened log.
	Head string
	// JournalEntries counts the journal's operations (pending or done).
	JournalEntries int
	// JournalFirstBad is the first journal line that failed, or 0.
	JournalFirstBad int64
	// JournalTornTail reports an incomplete last journal line.
	JournalTornTail bool
	// Objects counts the pre-images that were checked.
	Objects int
}

// Verify checks the session in dir: every log line parses, is canonical,
// has the next seq, links to the previous line and matches its hash; every
// journal line is chained, well formed and refers to logged records; and
// every kept pre-image exists and hashes to its name. It stops at the first
// failure. The error is for I/O failures, not for what it detects.
func Verify(dir string) (VerifyResult, error) {
	var res VerifyResult
	f, err := os.Open(filepath.Join(dir, logName))
	if err != nil {
		return res, fmt.Errorf("audit: verify: %w", err)
	}
	defer f.Close()
	sc, err := scanLog(f, nil)
	if err != nil {
		return res, fmt.Errorf("audit: verify %s: %w", f.Name(), err)
	}
	res.Records, res.Head, res.TornTail = int(sc.records), sc.head, sc.torn
	if sc.bad != nil {
		res.FirstBad, res.Reason = int64(sc.badLine), sc.bad.Error()
		return res, nil
	}
	if sc.torn {
		res.Reason = fmt.Sprintf("truncated tail after line %d (interrupted append)", sc.records)
	}
	jf, err := os.Open(filepath.Join(dir, journalDir, entriesName))
	if errors.Is(err, os.ErrNotExist) {
		res.OK = true
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("audit: verify: %w", err)
	}
	defer jf.Close()
	objs := map[string]int{} // digest -> first journal line using it
	js, err := scanJournal(jf, sc.records, func(line int, e Entry) {
		for _, c := range e.Changes {
			if c.Before.Type == KindFile && !c.Before.TooLarge {
				if _, ok := objs[c.Before.SHA256]; !ok {
					objs[c.Before.SHA256] = line
				}
			}
		}
	})
	if err != nil {
		return res, fmt.Errorf("audit: verify %s: %w", jf.Name(), err)
	}
	res.JournalEntries, res.JournalTornTail = int(js.lastID), js.torn
	if js.bad != nil {
		res.JournalFirstBad, res.Reason = int64(js.badLine), "journal "+js.bad.Error()
		return res, nil
	}
	for d, line := range objs {
		res.Objects++
		if reason := checkObject(filepath.Join(dir, journalDir, objectsDir), d); reason != "" {
			res.JournalFirstBad = int64(line)
			res.Reason = fmt.Sprintf("journal line %d: pre-image %s %s", line, d, reason)
			return res, nil
		}
	}
	res.OK = true
	return res, nil
}

// checkObject returns why object d in dir is unusable, or "".
func checkObject(dir, d string) string {
	f, err := os.Open(filepath.Join(dir, d))
	if errors.Is(err, os.ErrNotExist) {
		return "is missing"
	}
	if err != nil {
		return "cannot be read: " + err.Error()
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "cannot be read: " + err.Error()
	}
	if hex.EncodeToString(h.Sum(nil)) != d {
		return "does not match its hash"
	}
	return ""
}

// journalScan is the outcome of reading a journal from the start.
type journalScan struct {
	lastID  int64
	head    string
	size    int64
	torn    bool
	badLine int
	bad     error
}

// scanJournal reads and verifies entries.jsonl, calling fn for each good
// line. Entries must refer to seqs up to maxSeq (any, if maxSeq < 0).
func scanJournal(r io.Reader, maxSeq int64, fn func(line int, e Entry)) (journalScan, error) {
	js := journalScan{head: zeroHash}
	pending := map[int64]*Entry{}
	done := map[int64]bool{}
	lr := newLineReader(r, maxJournalLine)
	for {
		line, complete, err := lr.next()
		switch {
		case errors.Is(err, io.EOF):
			return js, nil
		case errors.Is(err, errLineTooLong):
			js.badLine = lr.n
			js.bad = fmt.Errorf("line %d: longer than %d bytes: %w", lr.n, maxJournalLine, ErrCorrupt)
			return js, nil
		case err != nil:
			return js, err
		case !complete:
			js.torn = true
			return js, nil
		}
		var e Entry
		reason := ""
		if err := json.Unmarshal(line, &e); err != nil {
			reason = "not a JSON entry: " + err.Error()
		} else if canon, _ := json.Marshal(&e); !bytes.Equal(canon, line) {
			reason = "entry is not in canonical form"
		} else if e.Prev != js.head {
			reason = "prev does not match the hash of the previous line"
		} else {
			reason = checkEntry(&e, js.lastID, maxSeq, pending, done)
		}
		if reason != "" {
			js.badLine = lr.n
			js.bad = fmt.Errorf("line %d: %s: %w", lr.n, reason, ErrCorrupt)
			return js, nil
		}
		if e.State == StatePending {
			js.lastID = e.ID
			pending[e.ID] = &e
		} else {
			done[e.ID] = true
			delete(pending, e.ID)
		}
		js.head = lineHash(line)
		js.size += int64(len(line)) + 1
		if fn != nil {
			fn(lr.n, e)
		}
	}
}

// checkEntry validates one journal entry against the lines before it.
func checkEntry(e *Entry, lastID, maxSeq int64, pending map[int64]*Entry, done map[int64]bool) string {
	if !validOp(e.Op) {
		return fmt.Sprintf("unknown op %q", e.Op)
	}
	if e.Seq < 1 || (maxSeq >= 0 && e.Seq > maxSeq) {
		return fmt.Sprintf("seq %d is not in the log", e.Seq)
	}
	for _, c := range e.Changes {
		if c.Mount == "" || !filepath.IsAbs(c.Root) || checkRelPath(c.Path) != nil {
			return fmt.Sprintf("bad change %q %q %q", c.Mount, c.Root, c.Path)
		}
		if c.Before.Type == KindFile && !c.Before.TooLarge && !validDigest(c.Before.SHA256) {
			return fmt.Sprintf("change %q has no valid pre-image digest", c.Path)
		}
		if (c.After == nil) != (e.State == StatePending) {
			return fmt.Sprintf("change %q: after state does not fit state %q", c.Path, e.State)
		}
	}
	switch e.State {
	case StatePending:
		if e.ID != lastID+1 {
			return fmt.Sprintf("id %d, want %d", e.ID, lastID+1)
		}
		if e.Truncated {
			return "pending entry marked truncated"
		}
	case StateDone:
		p := pending[e.ID]
		if p == nil {
			if done[e.ID] {
				return fmt.Sprintf("id %d committed twice", e.ID)
			}
			return fmt.Sprintf("id %d was never pending", e.ID)
		}
		if p.Seq != e.Seq || p.Op != e.Op || len(e.Changes) < len(p.Changes) {
			return fmt.Sprintf("id %d does not match its pending entry", e.ID)
		}
		for i, c := range e.Changes {
			if i >= len(p.Changes) {
				if c.Before.Exists {
					return fmt.Sprintf("id %d: added path %q existed before", e.ID, c.Path)
				}
				continue
			}
			pc := p.Changes[i]
			if pc.Mount != c.Mount || pc.Root != c.Root || pc.Path != c.Path || !sameRecord(pc.Before, c.Before) {
				return fmt.Sprintf("id %d: change %q differs from its pending entry", e.ID, c.Path)
			}
		}
	default:
		return fmt.Sprintf("unknown state %q", e.State)
	}
	return ""
}

// sameRecord reports whether two recorded states are identical.
func sameRecord(a, b FileState) bool {
	return a.Exists == b.Exists && a.Type == b.Type && a.Mode == b.Mode && a.MTime.Equal(b.MTime) &&
		a.SHA256 == b.SHA256 && a.Size == b.Size && a.Target == b.Target && a.TooLarge == b.TooLarge
}

// ReadJournal reads and verifies the journal of the session in dir and
// returns one Entry per operation in journal order: the done line if the
// operation was committed, else its pending line. If a line fails
// verification, it returns the entries before it and an error wrapping
// ErrCorrupt. A torn last line is skipped. ReadJournal does not read the
// audit log, so unlike Verify it does not check that each entry's seq is
// a logged record.
func ReadJournal(dir string) ([]Entry, error) {
	f, err := os.Open(filepath.Join(dir, journalDir, entriesName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: read journal: %w", err)
	}
	defer f.Close()
	var out []Entry
	js, err := scanJournal(f, -1, func(_ int, e Entry) {
		if e.State == StatePending {
			out = append(out, e)
		} else {
			out[e.ID-1] = e // IDs are contiguous from 1
		}
	})
	if err == nil {
		err = js.bad
	}
	if err != nil {
		return out, fmt.Errorf("audit: read journal %s: %w", f.Name(), err)
	}
	return out, nil
}
