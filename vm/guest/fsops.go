package guest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// deleteListDepth bounds how deep a recursive delete looks to report what
// it removes; deeper entries are removed all the same.
const deleteListDepth = 256

// mkdir creates a directory, or with Parents a directory and any missing
// parents (an existing directory is then fine).
func (s *server) mkdir(a guestproto.MkdirArgs) (guestproto.FileInfo, error) {
	m, p, err := s.resolveWritable(a.PathArgs)
	if err != nil {
		return guestproto.FileInfo{}, err
	}
	if p != "." {
		if a.Parents {
			err = m.root.MkdirAll(p, 0o755)
		} else {
			err = m.root.Mkdir(p, 0o755)
		}
	} else if !a.Parents {
		err = protoErr(guestproto.CodeExists, "the share root exists")
	}
	if errors.Is(err, fs.ErrExist) {
		return guestproto.FileInfo{}, protoErr(guestproto.CodeExists, "%s exists", p)
	}
	if err != nil {
		return guestproto.FileInfo{}, err
	}
	syncDir(m.root, path.Dir(p))
	fi, err := m.root.Lstat(p)
	if err != nil {
		return guestproto.FileInfo{}, err
	}
	if !fi.IsDir() {
		return guestproto.FileInfo{}, protoErr(guestproto.CodeExists, "%s exists and is not a directory", p)
	}
	return fullInfo(m.root, p, fi), nil
}

// isWithin reports whether p is dir or lies under it (clean paths).
func isWithin(p, dir string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}

// move renames an entry within one share. Without Overwrite an existing
// destination is refused: a regular file is moved by hard link then
// unlink, which cannot replace a destination that appears meanwhile; a
// directory or symlink is moved by rename after checking the destination
// is absent, so one created in the instant between the check and the
// rename would be replaced (directories: only if empty).
func (s *server) move(a guestproto.MoveArgs) (guestproto.FileInfo, error) {
	var none guestproto.FileInfo
	if a.From.Mount != a.To.Mount {
		return none, protoErr(guestproto.CodeInvalid, "move across shares: copy then delete")
	}
	m, from, err := s.resolveWritable(a.From)
	if err != nil {
		return none, err
	}
	_, to, err := s.resolveWritable(a.To)
	if err != nil {
		return none, err
	}
	if from == "." || to == "." {
		return none, protoErr(guestproto.CodeInvalid, "the share root cannot be moved or replaced")
	}
	sfi, err := m.root.Lstat(from)
	if err != nil {
		return none, err
	}
	if sfi.IsDir() && isWithin(to, from) {
		return none, protoErr(guestproto.CodeInvalid, "cannot move directory %s into itself", from)
	}
	if err := checkParent(m.root, to); err != nil {
		return none, err
	}
	dfi, err := m.root.Lstat(to)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dfi = nil
	case err != nil:
		return none, err
	case !a.Overwrite:
		return none, protoErr(guestproto.CodeExists, "%s exists (set overwrite to replace it)", to)
	case dfi.IsDir():
		return none, protoErr(guestproto.CodeIsDir, "%s is a directory; it is never replaced", to)
	}
	if to != from {
		if dfi == nil && sfi.Mode().IsRegular() {
			err = moveNoClobber(m, from, to)
		} else {
			err = m.root.Rename(from, to)
		}
		if err != nil {
			return none, err
		}
		syncDir(m.root, path.Dir(to))
		if path.Dir(from) != path.Dir(to) {
			syncDir(m.root, path.Dir(from))
		}
	}
	fi, err := m.root.Lstat(to)
	if err != nil {
		return none, err
	}
	return fullInfo(m.root, to, fi), nil
}

// moveNoClobber moves a regular file by linking it at the destination,
// which fails if the name exists, then unlinking the source.
func moveNoClobber(m *mount, from, to string) error {
	err := m.root.Link(from, to)
	switch {
	case errors.Is(err, fs.ErrExist):
		return protoErr(guestproto.CodeExists, "%s exists (set overwrite to replace it)", to)
	case err != nil && linkUnsupported(err):
		return m.root.Rename(from, to) // checked absent just before
	case err != nil:
		return err
	}
	if err := m.root.Remove(from); err != nil {
		_ = m.root.Remove(to) // undo: the source is still in place
		return err
	}
	return nil
}

// delete removes a file, a symlink (never what it points to) or an empty
// directory; a non-empty directory only with Recursive, after walking it
// to report what goes.
func (s *server) delete(ctx context.Context, a guestproto.DeleteArgs) (guestproto.DeleteResult, error) {
	res := guestproto.DeleteResult{Removed: []string{}}
	m, p, err := s.resolveWritable(a.PathArgs)
	if err != nil {
		return res, err
	}
	if p == "." {
		return res, protoErr(guestproto.CodeInvalid, "the share root cannot be deleted")
	}
	fi, err := m.root.Lstat(p)
	if err != nil {
		return res, err
	}
	err = m.root.Remove(p) // unlinkat: a symlink itself, or an empty directory
	switch {
	case err == nil:
		res.Removed, res.Count = []string{p}, 1
		if fi.Mode().IsRegular() {
			res.Bytes = fi.Size()
		}
	case !fi.IsDir() || !(errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)):
		return res, err
	case !a.Recursive:
		return res, protoErr(guestproto.CodeConflict, "directory %s is not empty: pass recursive", p)
	default:
		if err := listRemoval(ctx, m, p, fi, &res); err != nil {
			return res, err
		}
		if err := m.root.RemoveAll(p); err != nil {
			return res, err
		}
	}
	syncDir(m.root, path.Dir(p))
	err = fitResult(&res, len(res.Removed), func(n int) {
		res.Removed = res.Removed[:n]
		res.Truncated = true
	})
	return res, err
}

// listRemoval walks the directory p that a recursive delete is about to
// remove and records its entries.
func listRemoval(ctx context.Context, m *mount, p string, fi fs.FileInfo, res *guestproto.DeleteResult) error {
	dr, dfi, err := openDirRoot(m.root, p)
	if err != nil {
		return err
	}
	defer dr.Close()
	if !os.SameFile(fi, dfi) {
		return protoErr(guestproto.CodeConflict, "%s changed while it was being opened", p)
	}
	add := func(rel string, fi fs.FileInfo) {
		res.Count++
		if fi.Mode().IsRegular() {
			res.Bytes += fi.Size()
		}
		if len(res.Removed) < guestproto.MaxEntries {
			res.Removed = append(res.Removed, rel)
		} else {
			res.Truncated = true
		}
	}
	add(p, fi)
	w := &walker{ctx: ctx, m: m, maxDepth: deleteListDepth}
	err = w.run(dr, func(e walkEntry) (bool, error) {
		add(path.Join(p, e.rel), e.info)
		if e.depth == deleteListDepth && e.info.IsDir() {
			res.Truncated = true // what is below is removed but not counted
		}
		return true, nil
	})
	res.Truncated = res.Truncated || w.incomplete
	return err
}
