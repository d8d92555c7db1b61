package guest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"syscall"
	"unicode/utf8"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// sniffSize is how much of a file binary detection looks at.
const sniffSize = 8 << 10

// scanChunk is the unit in which head and tail selections are located.
const scanChunk = 64 << 10

// needRegular refuses anything but a regular file, naming what it is.
func needRegular(name string, fi fs.FileInfo) error {
	mode := fi.Mode()
	switch {
	case mode.IsRegular():
		return nil
	case mode.IsDir():
		return protoErr(guestproto.CodeIsDir, "%s is a directory", name)
	case mode&fs.ModeSymlink != 0:
		return protoErr(guestproto.CodeNotRegular, "%s is a symlink; symlinks are never followed", name)
	case mode&fs.ModeNamedPipe != 0:
		return protoErr(guestproto.CodeNotRegular, "%s is a named pipe, not a regular file", name)
	case mode&fs.ModeSocket != 0:
		return protoErr(guestproto.CodeNotRegular, "%s is a socket, not a regular file", name)
	case mode&fs.ModeDevice != 0:
		return protoErr(guestproto.CodeNotRegular, "%s is a device, not a regular file", name)
	default:
		return protoErr(guestproto.CodeNotRegular, "%s is not a regular file", name)
	}
}

// openRegular opens a regular file for reading without ever opening
// anything else: the entry is checked with Lstat first, so FIFOs, sockets,
// devices and symlinks are refused unopened. The open itself is
// non-blocking, and the opened file must be the very inode Lstat saw; if
// something was swapped in between, the result is CodeConflict.
func openRegular(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	lfi, err := root.Lstat(name)
	if err != nil {
		return nil, nil, err
	}
	if err := needRegular(name, lfi); err != nil {
		return nil, nil, err
	}
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() || !os.SameFile(lfi, fi) {
		f.Close()
		return nil, nil, protoErr(guestproto.CodeConflict, "%s changed while it was being opened", name)
	}
	return f, fi, nil
}

// readSelection is the byte range a read sends.
type readSelection struct {
	start, end int64
	truncated  bool
}

func checkReadArgs(a guestproto.ReadArgs) error {
	switch {
	case a.Offset < 0 || a.Length < 0 || a.HeadLines < 0 || a.TailLines < 0 || a.Limit < 0:
		return protoErr(guestproto.CodeInvalid, "offset, length, headLines, tailLines and limit must not be negative")
	case a.HeadLines > 0 && a.TailLines > 0:
		return protoErr(guestproto.CodeInvalid, "headLines and tailLines are exclusive")
	case (a.HeadLines > 0 || a.TailLines > 0) && (a.Offset > 0 || a.Length > 0):
		return protoErr(guestproto.CodeInvalid, "headLines and tailLines cannot be combined with offset or length")
	}
	return nil
}

// readFile sends a selection of a regular file: a byte range, the first
// HeadLines lines or the last TailLines lines, never more than the limit.
// A selection longer than the limit is cut and flagged Truncated; a byte
// range or head selection keeps its first bytes, a tail selection its last
// bytes (finding where a long tail starts would mean reading the whole
// file backwards).
func (s *server) readFile(ctx context.Context, w io.Writer, a guestproto.ReadArgs) error {
	m, p, err := s.resolve(a.PathArgs)
	if err != nil {
		return err
	}
	if err := checkReadArgs(a); err != nil {
		return err
	}
	limit := a.Limit
	if limit <= 0 || limit > MaxReadSize {
		limit = MaxReadSize
	}
	f, fi, err := openRegular(m.root, p)
	if err != nil {
		return err
	}
	defer f.Close()
	size := fi.Size()

	var sel readSelection
	switch {
	case a.HeadLines > 0:
		sel, err = headSelection(ctx, f, size, a.HeadLines, limit)
	case a.TailLines > 0:
		sel, err = tailSelection(ctx, f, size, a.TailLines, limit)
	default:
		sel = rangeSelection(size, a.Offset, a.Length, limit)
	}
	if err != nil {
		return err
	}
	binary, mime := sniff(f, size)
	res := guestproto.ReadResult{Size: size, Truncated: sel.truncated, Binary: binary, MIME: mime}
	if err := reply(w, res, true); err != nil {
		return err
	}
	// The range was fixed from the size at open: growth is not sent.
	_, err = guestproto.WriteData(w, ctxReader{ctx, io.NewSectionReader(f, sel.start, sel.end-sel.start)})
	return err
}

func rangeSelection(size, offset, length, limit int64) readSelection {
	start := min(offset, size)
	end := size
	if length > 0 && length < size-start {
		end = start + length
	}
	if end-start > limit {
		return readSelection{start: start, end: start + limit, truncated: true}
	}
	return readSelection{start: start, end: end}
}

// headSelection finds the end of the first n lines, reading forward and
// stopping at the limit.
func headSelection(ctx context.Context, f *os.File, size int64, n int, limit int64) (readSelection, error) {
	buf := make([]byte, scanChunk)
	scanEnd := min(size, limit)
	var pos int64
	for pos < scanEnd {
		if err := ctx.Err(); err != nil {
			return readSelection{}, err
		}
		k, err := f.ReadAt(buf[:min(int64(len(buf)), scanEnd-pos)], pos)
		for chunk := buf[:k]; ; {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				break
			}
			if n--; n == 0 {
				return readSelection{end: pos + int64(k-len(chunk)+i+1)}, nil
			}
			chunk = chunk[i+1:]
		}
		pos += int64(k)
		if err != nil {
			if errors.Is(err, io.EOF) {
				break // the file shrank
			}
			return readSelection{}, err
		}
	}
	if size <= limit {
		return readSelection{end: min(pos, size)}, nil
	}
	return readSelection{end: limit, truncated: true}, nil
}

// tailSelection finds the start of the last n lines, reading backwards in
// chunks, so only what is needed is read. A newline ending the file does
// not start an empty last line. Past the limit it gives up and selects
// the last limit bytes, flagged truncated.
func tailSelection(ctx context.Context, f *os.File, size int64, n int, limit int64) (readSelection, error) {
	buf := make([]byte, scanChunk)
	pos := size
	for pos > 0 {
		if err := ctx.Err(); err != nil {
			return readSelection{}, err
		}
		lo := max(0, pos-scanChunk)
		chunk := buf[:pos-lo]
		if _, err := f.ReadAt(chunk, lo); err != nil {
			if errors.Is(err, io.EOF) {
				return readSelection{}, protoErr(guestproto.CodeConflict, "file shrank while it was being read")
			}
			return readSelection{}, err
		}
		for i := len(chunk) - 1; i >= 0; i-- {
			if chunk[i] != '\n' || lo+int64(i) == size-1 {
				continue
			}
			if n--; n == 0 {
				return clampTail(size, lo+int64(i)+1, limit), nil
			}
		}
		pos = lo
		if size-pos > limit {
			break
		}
	}
	return clampTail(size, pos, limit), nil
}

func clampTail(size, start, limit int64) readSelection {
	if size-start > limit {
		return readSelection{start: size - limit, end: size, truncated: true}
	}
	return readSelection{start: start, end: size}
}

// sniff reports whether a file looks binary and its MIME type, from its
// first bytes.
func sniff(f *os.File, size int64) (binary bool, mime string) {
	buf := make([]byte, min(size, sniffSize))
	n, _ := f.ReadAt(buf, 0)
	buf = buf[:n]
	return looksBinary(buf, int64(n) >= size), http.DetectContentType(buf)
}

// looksBinary reports whether b holds a NUL byte or invalid UTF-8. When b
// is only the start of the file (complete is false), a multi-byte sequence
// cut off at its end is not held against it.
func looksBinary(b []byte, complete bool) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return true
	}
	if utf8.Valid(b) {
		return false
	}
	if !complete {
		for i := len(b) - 1; i >= 0 && i >= len(b)-(utf8.UTFMax-1); i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return !utf8.Valid(b)
}

// hash is the SHA-256 of a regular file, opened as safely as for reading.
func (s *server) hash(ctx context.Context, a guestproto.PathArgs) (guestproto.HashResult, error) {
	m, p, err := s.resolve(a)
	if err != nil {
		return guestproto.HashResult{}, err
	}
	sum, size, _, err := hashFile(ctx, m.root, p)
	if err != nil {
		return guestproto.HashResult{}, err
	}
	return guestproto.HashResult{SHA256: sum, Size: size}, nil
}

// hashFile hashes the regular file name as it was when opened and returns
// the hex digest, the bytes hashed and the file's info.
func hashFile(ctx context.Context, root *os.Root, name string) (string, int64, fs.FileInfo, error) {
	f, fi, err := openRegular(root, name)
	if err != nil {
		return "", 0, nil, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, io.NewSectionReader(f, 0, fi.Size())})
	if err != nil {
		return "", 0, nil, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, fi, nil
}
