package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Defaults for the journal's limits.
const (
	// DefaultMaxBytes is the largest file whose content Before keeps when
	// the caller passes maxBytes <= 0.
	DefaultMaxBytes = 64 << 20
	// DefaultHashLimit is the largest file whose SHA-256 is computed when
	// its content is not kept (Log.HashLimit, and the current state of
	// files during PlanRollback).
	DefaultHashLimit = 256 << 20
	// DefaultMaxEntries bounds the paths one journal entry may cover.
	DefaultMaxEntries = 100_000
)

// smallObject is the size up to which a pre-image is read into memory, so
// that a duplicate can be detected before anything is written.
const smallObject = 1 << 20

// Kinds of file in FileState.Type.
const (
	KindFile    = "file"
	KindDir     = "dir"
	KindSymlink = "symlink"
	KindOther   = "other" // device, FIFO, socket: recorded, never restored
)

var (
	// ErrSymlinkInPath reports a path one of whose parent directories is a
	// symbolic link. The journal records paths literally and never follows
	// links, so callers must journal the resolved path.
	ErrSymlinkInPath = errors.New("audit: a parent directory in the path is a symbolic link")
	// ErrInvalid reports an invalid argument: a bad path, mount, operation
	// or sequence number.
	ErrInvalid = errors.New("audit: invalid argument")
	// ErrTooMany reports an operation that covers more paths than the
	// journal keeps for one entry (Log.MaxEntries).
	ErrTooMany = errors.New("audit: too many paths in one operation")
	// errRaced reports a file replaced between lstat and open.
	errRaced = errors.New("file was replaced while it was being read")
)

// FileState is what the journal knows about one path at one moment. A
// missing path has Exists false and nothing else set.
type FileState struct {
	Exists bool   `json:"exists"`
	Type   string `json:"type,omitempty"`
	// Mode holds the permission bits of files and directories.
	Mode  fs.FileMode `json:"mode,omitempty"`
	MTime time.Time   `json:"mtime,omitzero"`
	// SHA256 is the hex digest of a file's content. For a "before" state
	// with TooLarge false it is also the name of the kept pre-image.
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
	// Target is a symbolic link's target, verbatim.
	Target string `json:"target,omitempty"`
	// TooLarge marks a file whose content was not kept.
	TooLarge bool `json:"tooLarge,omitempty"`
}

// sameState reports whether two states describe the same content: same
// existence and type, same mode, and for files the same digest (or, when a
// digest is missing, the same size and modification time); for links the
// same target. Directory times are ignored, as are file times when digests
// are known.
func sameState(a, b FileState) bool {
	if !a.Exists || !b.Exists {
		return a.Exists == b.Exists
	}
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case KindSymlink:
		return a.Target == b.Target
	case KindDir:
		return a.Mode == b.Mode
	case KindFile:
		if a.Mode != b.Mode || a.Size != b.Size {
			return false
		}
		if a.SHA256 != "" && b.SHA256 != "" {
			return a.SHA256 == b.SHA256
		}
		return a.MTime.Equal(b.MTime)
	}
	return a.Mode == b.Mode && a.MTime.Equal(b.MTime)
}

// String describes a state briefly, for conflict messages.
func (s FileState) String() string {
	if !s.Exists {
		return "absent"
	}
	switch s.Type {
	case KindFile:
		d := s.SHA256
		if len(d) > 12 {
			d = d[:12]
		}
		if d == "" {
			d = "unhashed"
		}
		return fmt.Sprintf("file %d bytes mode %#o sha256 %s", s.Size, s.Mode, d)
	case KindSymlink:
		return fmt.Sprintf("symlink to %q", s.Target)
	case KindDir:
		return fmt.Sprintf("dir mode %#o", s.Mode)
	}
	return s.Type
}

// checkRelPath reports whether p is a clean, slash-separated path strictly
// inside its mount.
func checkRelPath(p string) error {
	if p == "" || p == "." || p != path.Clean(p) || path.IsAbs(p) || p == ".." ||
		strings.HasPrefix(p, "../") || strings.ContainsAny(p, "\x00\\") {
		return fmt.Errorf("%w: path %q is not a clean relative path inside the mount", ErrInvalid, p)
	}
	return nil
}

func depth(p string) int { return strings.Count(p, "/") }

// isNotExist reports errors meaning "nothing is there": ENOENT, or ENOTDIR
// from a parent that is not a directory.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// capturer reads FileStates through an os.Root, optionally keeping file
// contents in the object store.
type capturer struct {
	root      *os.Root
	maxBytes  int64        // keep contents up to this size
	hashLimit int64        // hash unkept files up to this size
	store     *objectStore // nil: keep nothing
}

// capture returns the state of rel. Every parent of rel must be a real
// directory: a missing or non-directory parent means rel is absent, and a
// symbolic link is ErrSymlinkInPath.
func (c *capturer) capture(rel string) (FileState, error) {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		fi, err := c.root.Lstat(strings.Join(parts[:i], "/"))
		if isNotExist(err) {
			return FileState{}, nil
		}
		if err != nil {
			return FileState{}, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return FileState{}, fmt.Errorf("%s: %w", rel, ErrSymlinkInPath)
		}
		if !fi.IsDir() {
			return FileState{}, nil
		}
	}
	fi, err := c.root.Lstat(rel)
	if isNotExist(err) {
		return FileState{}, nil
	}
	if err != nil {
		return FileState{}, err
	}
	return c.captureInfo(rel, fi)
}

// captureInfo completes the state of rel given its lstat result.
func (c *capturer) captureInfo(rel string, fi fs.FileInfo) (FileState, error) {
	st := FileState{Exists: true, Mode: fi.Mode().Perm(), MTime: fi.ModTime().UTC()}
	var err error
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		st.Type, st.Mode = KindSymlink, 0
		st.Target, err = c.root.Readlink(rel)
	case m.IsDir():
		st.Type = KindDir
	case m.IsRegular():
		st.Type = KindFile
		err = c.readFile(rel, fi, &st)
	default:
		st.Type = KindOther
	}
	if err != nil {
		return FileState{}, fmt.Errorf("%s: %w", rel, err)
	}
	return st, nil
}

// readFile fills in a regular file's digest and size, keeping its content
// when it fits. It never opens anything but the file lstat saw.
func (c *capturer) readFile(rel string, fi fs.FileInfo, st *FileState) error {
	// O_NONBLOCK: should a FIFO be swapped in, opening it must not hang.
	f, err := c.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return err
	}
	if !os.SameFile(fi, ofi) {
		return errRaced
	}
	st.Mode, st.MTime, st.Size = ofi.Mode().Perm(), ofi.ModTime().UTC(), ofi.Size()
	if c.store != nil && ofi.Size() <= c.maxBytes {
		sum, n, ok, err := c.store.put(f, c.maxBytes)
		if err != nil {
			return err
		}
		if ok {
			st.SHA256, st.Size = sum, n
			return nil
		}
		// It grew past the limit while being read.
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
	}
	st.TooLarge = c.store != nil
	if ofi.Size() > c.hashLimit {
		return nil
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, c.hashLimit+1))
	if err != nil {
		return err
	}
	if n <= c.hashLimit {
		st.SHA256, st.Size = hex.EncodeToString(h.Sum(nil)), n
	}
	return nil
}

// walkItem is an entry found by walk.
type walkItem struct {
	rel string
	fi  fs.FileInfo
}

// captureWorkers bounds the files captureAll reads (and whose pre-images
// it fsyncs) at once; concurrent fsyncs share the file system's journal
// commits, which makes capturing a large tree several times faster.
const captureWorkers = 16

// captureAll captures items concurrently and returns their states in order.
func (c *capturer) captureAll(items []walkItem) ([]FileState, error) {
	states := make([]FileState, len(items))
	errs := make([]error, len(items))
	sem := make(chan struct{}, captureWorkers)
	var wg sync.WaitGroup
	for i, it := range items {
		if !it.fi.Mode().IsRegular() {
			states[i], errs[i] = c.captureInfo(it.rel, it.fi)
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			states[i], errs[i] = c.captureInfo(it.rel, it.fi)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return states, nil
}

// walk calls fn for every entry below the directory dir (whose lstat result
// is dirInfo), parents before children, without following links. Each entry
// costs one unit of *budget; running out is ErrTooMany.
func walk(root *os.Root, dir string, dirInfo fs.FileInfo, budget *int, fn func(rel string, fi fs.FileInfo) error) error {
	stack := []walkItem{{dir, dirInfo}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		names, err := readDirNames(root, it.rel, it.fi, *budget)
		if err != nil {
			return err
		}
		for _, name := range names {
			rel := path.Join(it.rel, name)
			fi, err := root.Lstat(rel)
			if isNotExist(err) {
				continue // removed meanwhile
			}
			if err != nil {
				return err
			}
			if *budget--; *budget < 0 {
				return ErrTooMany
			}
			if err := fn(rel, fi); err != nil {
				return err
			}
			if fi.IsDir() {
				stack = append(stack, walkItem{rel, fi})
			}
		}
	}
	return nil
}

// readDirNames lists the directory rel, checking it is still the directory
// fi describes, and reading at most limit+1 names.
func readDirNames(root *os.Root, rel string, fi fs.FileInfo, limit int) ([]string, error) {
	f, err := root.Open(rel)
	if isNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !os.SameFile(fi, ofi) {
		return nil, fmt.Errorf("%s: directory %w", rel, errRaced)
	}
	var names []string
	for len(names) <= limit {
		batch, err := f.Readdirnames(1024)
		names = append(names, batch...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
	}
	if len(names) > limit {
		return nil, ErrTooMany
	}
	return names, nil
}
