package guest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Limits on file operations.
const (
	MaxPathLen   = 4096
	MaxWriteSize = 64 << 20
	MaxReadSize  = 64 << 20
)

// mount is an opened share.
type mount struct {
	Mount
	root *os.Root
}

func openMount(m Mount) (*mount, error) {
	mt := &mount{Mount: m}
	if m.Err != nil {
		return mt, m.Err
	}
	r, err := os.OpenRoot(m.Dir)
	if err != nil {
		mt.Err = err
		return mt, err
	}
	mt.root = r
	return mt, nil
}

func (m *mount) close() {
	if m.root != nil {
		m.root.Close()
	}
}

func protoErr(code guestproto.Code, format string, args ...any) error {
	return &guestproto.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CleanPath validates a share-relative path and returns it in canonical
// form ("." for the share root). It rejects absolute paths, any ".."
// element, backslashes, NUL and over-long paths before the file system is
// touched; os.Root then confines what symlinks could still do.
func CleanPath(p string) (string, error) {
	switch {
	case len(p) > MaxPathLen:
		return "", protoErr(guestproto.CodeInvalid, "path longer than %d bytes", MaxPathLen)
	case strings.ContainsRune(p, 0):
		return "", protoErr(guestproto.CodeInvalid, "path contains a NUL byte")
	case strings.ContainsRune(p, '\\'):
		return "", protoErr(guestproto.CodeInvalid, "path contains a backslash")
	case strings.HasPrefix(p, "/"):
		return "", protoErr(guestproto.CodeOutside, "path is absolute")
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return "", protoErr(guestproto.CodeOutside, "path contains \"..\"")
		}
	}
	if p == "" {
		return ".", nil
	}
	return path.Clean(p), nil
}

// resolve finds the share and canonical path for a request.
func (s *server) resolve(a guestproto.PathArgs) (*mount, string, error) {
	m, ok := s.mounts[a.Mount]
	if !ok {
		return nil, "", protoErr(guestproto.CodeNotFound, "no share named %q", a.Mount)
	}
	if m.root == nil {
		return nil, "", protoErr(guestproto.CodeUnsupported, "share %q is not mounted", a.Mount)
	}
	p, err := CleanPath(a.Path)
	if err != nil {
		return nil, "", err
	}
	return m, p, nil
}

func fileType(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "file"
	case mode.IsDir():
		return "dir"
	case mode&fs.ModeSymlink != 0:
		return "symlink"
	default:
		return "other"
	}
}

func (s *server) stat(a guestproto.PathArgs) (guestproto.FileInfo, error) {
	m, p, err := s.resolve(a)
	if err != nil {
		return guestproto.FileInfo{}, err
	}
	fi, err := m.root.Lstat(p)
	if err != nil {
		return guestproto.FileInfo{}, err
	}
	return guestproto.FileInfo{
		Name:    fi.Name(),
		Size:    fi.Size(),
		Mode:    uint32(fi.Mode().Perm()),
		Type:    fileType(fi.Mode()),
		ModTime: fi.ModTime(),
	}, nil
}

func (s *server) readFile(ctx context.Context, w io.Writer, a guestproto.ReadArgs) error {
	m, p, err := s.resolve(a.PathArgs)
	if err != nil {
		return err
	}
	limit := a.Limit
	if limit <= 0 || limit > MaxReadSize {
		limit = MaxReadSize
	}
	// O_NONBLOCK keeps a FIFO from blocking the open; it is then refused
	// as not a regular file before any read.
	f, err := m.root.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return protoErr(guestproto.CodeNotRegular, "%s is not a regular file", p)
	}
	if fi.Size() > limit {
		return protoErr(guestproto.CodeTooLarge, "file is %d bytes, limit %d", fi.Size(), limit)
	}
	if err := reply(w, guestproto.ReadResult{Size: fi.Size()}, true); err != nil {
		return err
	}
	// Bounded even if the file grows while we read it.
	_, err = guestproto.WriteData(w, io.LimitReader(ctxReader{ctx, f}, limit))
	return err
}

func (s *server) writeFile(ctx context.Context, rw io.ReadWriter, a guestproto.WriteArgs) error {
	m, p, err := s.resolve(a.PathArgs)
	if err != nil {
		return err
	}
	if m.ReadOnly {
		return protoErr(guestproto.CodeReadOnly, "share %q is read-only", m.Name)
	}
	if p == "." {
		return protoErr(guestproto.CodeIsDir, "the share root is a directory")
	}
	mode := fs.FileMode(a.Mode).Perm()
	if mode == 0 {
		mode = 0o644
	}
	if fi, err := m.root.Lstat(p); err == nil {
		if a.CreateOnly {
			return protoErr(guestproto.CodeExists, "%s exists", p)
		}
		if !fi.Mode().IsRegular() {
			return protoErr(guestproto.CodeNotRegular, "%s is not a regular file", p)
		}
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}

	dir, base := path.Split(p)
	if dir == "" {
		dir = "."
	}
	tmp := path.Join(dir, "."+base+".airlock-"+randSuffix())
	f, err := m.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, mode)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			f.Close()
			m.root.Remove(tmp)
		}
	}()
	n, err := guestproto.ReadData(ctxReader{ctx, rw}, f, MaxWriteSize)
	if err != nil {
		if errors.Is(err, guestproto.ErrTooLarge) {
			return protoErr(guestproto.CodeTooLarge, "write exceeds %d bytes", MaxWriteSize)
		}
		return err
	}
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if a.CreateOnly {
		// Link fails if the name appeared meanwhile; rename would clobber.
		if err := m.root.Link(tmp, p); err != nil {
			return err
		}
		m.root.Remove(tmp)
	} else if err := m.root.Rename(tmp, p); err != nil {
		return err
	}
	committed = true
	if d, err := m.root.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return reply(rw, guestproto.WriteResult{Size: n}, false)
}

// ctxReader fails reads once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// toProtoError maps a Go error to a protocol error with a stable code.
func toProtoError(err error) *guestproto.Error {
	code := guestproto.CodeInternal
	switch {
	case errors.Is(err, fs.ErrNotExist):
		code = guestproto.CodeNotFound
	case errors.Is(err, fs.ErrExist):
		code = guestproto.CodeExists
	case errors.Is(err, syscall.EROFS):
		code = guestproto.CodeReadOnly
	case errors.Is(err, syscall.EISDIR):
		code = guestproto.CodeIsDir
	case errors.Is(err, syscall.ENOTDIR):
		code = guestproto.CodeNotDir
	case errors.Is(err, syscall.ELOOP), errors.Is(err, syscall.EXDEV):
		code = guestproto.CodeOutside
	case errors.Is(err, fs.ErrPermission):
		code = guestproto.CodePermission
	case errors.Is(err, syscall.EFBIG), errors.Is(err, syscall.ENOSPC):
		code = guestproto.CodeTooLarge
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		code = guestproto.CodeInternal
	}
	msg := err.Error()
	if isEscape(err) {
		code = guestproto.CodeOutside
		msg = "path escapes the share"
	}
	if len(msg) > guestproto.MaxErrorMessage {
		msg = msg[:guestproto.MaxErrorMessage]
	}
	return &guestproto.Error{Code: code, Message: msg}
}
