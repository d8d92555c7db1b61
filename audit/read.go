package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// errLineTooLong reports a line longer than the reader's limit.
var errLineTooLong = errors.New("line too long")

// lineReader splits a stream into lines of at most max bytes.
type lineReader struct {
	br  *bufio.Reader
	max int
	n   int // number of the line last returned, from 1
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its newline. complete is false for a
// final segment that has no newline. At the end it returns io.EOF.
func (lr *lineReader) next() (line []byte, complete bool, err error) {
	var buf []byte
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if len(buf)+len(chunk) > lr.max+1 {
			lr.n++
			return nil, false, errLineTooLong
		}
		buf = append(buf, chunk...)
		switch {
		case err == nil:
			lr.n++
			return buf[:len(buf)-1], true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if len(buf) == 0 {
				return nil, false, io.EOF
			}
			lr.n++
			return buf, false, nil
		default:
			return nil, false, err
		}
	}
}

// logScan is the outcome of reading a log from the start.
type logScan struct {
	records int64  // records that verified
	head    string // hash of the last verified line
	size    int64  // bytes of verified lines, newlines included
	torn    bool   // the file ends in a segment with no newline
	badLine int    // first line that failed, if bad != nil
	bad     error  // ErrCorrupt with the line and the reason
}

// scanLog reads and verifies a log, calling fn (if not nil) for each good
// record. It stops at the first bad line. The error is for I/O failures only.
func scanLog(r io.Reader, fn func(Record)) (logScan, error) {
	sc := logScan{head: zeroHash}
	lr := newLineReader(r, maxLine)
	for {
		line, complete, err := lr.next()
		switch {
		case errors.Is(err, io.EOF):
			return sc, nil
		case errors.Is(err, errLineTooLong):
			sc.badLine = lr.n
			sc.bad = fmt.Errorf("line %d: longer than %d bytes: %w", lr.n, maxLine, ErrCorrupt)
			return sc, nil
		case err != nil:
			return sc, err
		case !complete:
			sc.torn = true
			return sc, nil
		}
		rec, reason := checkRecord(line, sc.records+1, sc.head)
		if reason != "" {
			sc.badLine = lr.n
			sc.bad = fmt.Errorf("line %d: %s: %w", lr.n, reason, ErrCorrupt)
			return sc, nil
		}
		sc.records++
		sc.head = lineHash(line)
		sc.size += int64(len(line)) + 1
		if fn != nil {
			fn(rec)
		}
	}
}

// checkRecord parses and verifies one line that should hold record seq
// following a line whose hash is prev. It returns a reason if it does not.
func checkRecord(line []byte, seq int64, prev string) (Record, string) {
	var w wireRecord
	if err := json.Unmarshal(line, &w); err != nil {
		return Record{}, "not a JSON record: " + err.Error()
	}
	if w.Seq != seq {
		return Record{}, fmt.Sprintf("seq is %d, want %d", w.Seq, seq)
	}
	if w.Prev != prev {
		return Record{}, "prev does not match the hash of the previous line"
	}
	t, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil || t.UTC().Format(time.RFC3339Nano) != w.Time {
		return Record{}, fmt.Sprintf("time %q is not canonical RFC 3339 UTC", w.Time)
	}
	if w.Type == "" {
		return Record{}, "empty type"
	}
	canon, hash, err := encodeRecord(w)
	if err != nil {
		return Record{}, err.Error()
	}
	if w.Hash != hash {
		return Record{}, "hash does not match the record"
	}
	if !bytes.Equal(canon, line) {
		return Record{}, "record is not in canonical form"
	}
	return Record{Seq: w.Seq, Time: t, Type: w.Type, Data: w.Data, Prev: w.Prev, Hash: w.Hash}, ""
}

// ReadLog reads and verifies the audit log in the session directory dir. A
// torn last line (an interrupted append) is skipped. If a line fails
// verification, ReadLog returns the records before it and an error wrapping
// ErrCorrupt.
func ReadLog(dir string) ([]Record, error) {
	f, err := os.Open(filepath.Join(dir, logName))
	if err != nil {
		return nil, fmt.Errorf("audit: read log: %w", err)
	}
	defer f.Close()
	var recs []Record
	sc, err := scanLog(f, func(r Record) { recs = append(recs, r) })
	if err != nil {
		return recs, fmt.Errorf("audit: read log %s: %w", f.Name(), err)
	}
	if sc.bad != nil {
		return recs, fmt.Errorf("audit: read log %s: %w", f.Name(), sc.bad)
	}
	return recs, nil
}
