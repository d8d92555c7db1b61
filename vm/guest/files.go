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
	"time"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Limits on file operations.
const (
	MaxPathLen   = 4096
	MaxWriteSize = 64 << 20
	MaxReadSize  = 64 << 20
	// MaxEditSize bounds the file an edit reads and the file it produces.
	MaxEditSize = 8 << 20
	// MaxCopyBytes bounds the regular-file bytes one copy may write.
	MaxCopyBytes = 1 << 30
)

// TempDirName is the reserved directory at the root of every read-write
// share where writes are staged before they are renamed into place. No
// operation may address it, listings never show it, and Serve empties it
// when it starts (see SweepTemp).
const TempDirName = guestproto.TempDirName

// mount is an opened share.
type mount struct {
	Mount
	root     *os.Root
	rootInfo fs.FileInfo // the share root directory, to recognise it
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
	fi, err := r.Stat(".")
	if err != nil {
		r.Close()
		mt.Err = err
		return mt, err
	}
	mt.root, mt.rootInfo = r, fi
	return mt, nil
}

func (m *mount) close() {
	if m.root != nil {
		m.root.Close()
	}
}

// isShareRoot reports whether dir (an opened directory's info) is the
// share root, whose TempDirName entry is hidden.
func (m *mount) isShareRoot(dir fs.FileInfo) bool {
	return dir != nil && m.rootInfo != nil && os.SameFile(dir, m.rootInfo)
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

// isReserved reports whether a clean share-relative path lies in the
// staging directory. The comparison ignores case because a share on a
// case-insensitive host volume resolves ".AIRLOCK-TMP" to the same
// directory.
func isReserved(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return strings.EqualFold(first, TempDirName)
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
	if isReserved(p) {
		return nil, "", protoErr(guestproto.CodeInvalid, "%s is a reserved name", TempDirName)
	}
	return m, p, nil
}

// resolveWritable is resolve for operations that modify the share: a
// read-only share is refused before anything is touched.
func (s *server) resolveWritable(a guestproto.PathArgs) (*mount, string, error) {
	m, p, err := s.resolve(a)
	if err != nil {
		return nil, "", err
	}
	if m.ReadOnly {
		return nil, "", protoErr(guestproto.CodeReadOnly, "share %q is read-only", m.Name)
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

// basicInfo describes fi without the fields that need the raw stat
// structure; listings use it to stay compact.
func basicInfo(fi fs.FileInfo) guestproto.FileInfo {
	return guestproto.FileInfo{
		Name:    fi.Name(),
		Size:    fi.Size(),
		Mode:    uint32(fi.Mode().Perm()),
		Type:    fileType(fi.Mode()),
		ModTime: fi.ModTime().UTC(),
	}
}

// fullInfo describes fi with everything stat knows: link target, link
// count, inode, access and change times.
func fullInfo(root *os.Root, name string, fi fs.FileInfo) guestproto.FileInfo {
	info := basicInfo(fi)
	addSysInfo(&info, fi)
	if fi.Mode()&fs.ModeSymlink != 0 {
		if t, err := root.Readlink(name); err == nil {
			info.Target = t
		}
	}
	return info
}

// utc converts a stat time, leaving the zero time alone.
func utc(sec, nsec int64) time.Time {
	if sec == 0 && nsec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, nsec).UTC()
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
	return fullInfo(m.root, p, fi), nil
}

// syncDir flushes a directory's entries to stable storage, so that a
// rename or unlink in it survives a crash. Errors are ignored: some file
// systems cannot fsync a directory, and the data itself is already safe.
func syncDir(root *os.Root, dir string) {
	if d, err := root.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
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
	msg := err.Error()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		code = guestproto.CodeNotFound
	case errors.Is(err, syscall.ENOTEMPTY):
		code, msg = guestproto.CodeConflict, "directory not empty: pass recursive"
	case errors.Is(err, fs.ErrExist):
		code = guestproto.CodeExists
	case errors.Is(err, syscall.EROFS):
		code = guestproto.CodeReadOnly
	case errors.Is(err, syscall.EISDIR):
		code = guestproto.CodeIsDir
	case errors.Is(err, syscall.ENOTDIR):
		code = guestproto.CodeNotDir
	case errors.Is(err, syscall.ENAMETOOLONG):
		code, msg = guestproto.CodeInvalid, "file name too long (at most 255 bytes per name)"
	case errors.Is(err, syscall.EINVAL):
		code = guestproto.CodeInvalid
	case errors.Is(err, syscall.ELOOP), errors.Is(err, syscall.EXDEV):
		code = guestproto.CodeOutside
	case errors.Is(err, fs.ErrPermission):
		code = guestproto.CodePermission
	case errors.Is(err, syscall.EFBIG), errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		code = guestproto.CodeTooLarge
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		code = guestproto.CodeInternal
	}
	if isEscape(err) {
		code = guestproto.CodeOutside
		msg = "path escapes the share"
	}
	if len(msg) > guestproto.MaxErrorMessage {
		msg = msg[:guestproto.MaxErrorMessage]
	}
	return &guestproto.Error{Code: code, Message: msg}
}
