package guest

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// copyChunk is how much of a file is copied between cancellation checks.
const copyChunk = 16 << 20

// copyItem is one entry of a copy plan.
type copyItem struct {
	rel    string      // relative to the copied directory; "" for the top
	info   fs.FileInfo // the source, from Lstat
	target string      // for a symlink
	exists bool        // the destination exists and is merged into or replaced
}

// copyPlan is everything a copy will write, decided before it writes.
type copyPlan struct {
	src, dst  *mount
	from, to  string
	overwrite bool
	items     []copyItem
	files     int
	bytes     int64
}

// copy copies a regular file, a symlink (as a symlink with the same
// target text) or, with Recursive, a directory tree, within or across
// shares. Special files inside a tree are skipped. Without Overwrite the
// destination must not exist; with it, a file or symlink is replaced and
// a directory is merged into (its files replaced). The whole source is
// walked and checked against the limits (MaxEntries entries, MaxCopyBytes
// bytes) and the destination before anything is written. Each file is
// written atomically through the staging directory; the copy as a whole
// is not atomic. The result counts regular files and symlinks as Files,
// and the regular files' bytes.
func (s *server) copy(ctx context.Context, a guestproto.CopyArgs) (guestproto.CopyResult, error) {
	var res guestproto.CopyResult
	dm, to, err := s.resolveWritable(a.To)
	if err != nil {
		return res, err
	}
	sm, from, err := s.resolve(a.From)
	if err != nil {
		return res, err
	}
	if to == "." {
		return res, protoErr(guestproto.CodeInvalid, "the share root cannot be a copy's destination")
	}
	sfi, err := sm.root.Lstat(from)
	if err != nil {
		return res, err
	}
	if sm == dm && sfi.IsDir() && isWithin(to, from) {
		return res, protoErr(guestproto.CodeInvalid, "cannot copy directory %s into itself", from)
	}
	if err := checkParent(dm.root, to); err != nil {
		return res, err
	}
	pl := &copyPlan{src: sm, dst: dm, from: from, to: to, overwrite: a.Overwrite}
	if err := pl.add(copyItem{info: sfi}); err != nil {
		return res, err
	}
	switch {
	case sfi.IsDir() && !a.Recursive:
		return res, protoErr(guestproto.CodeIsDir, "%s is a directory: set recursive to copy it", from)
	case sfi.IsDir():
		if err := pl.walk(ctx); err != nil {
			return res, err
		}
	case sfi.Mode()&fs.ModeSymlink != 0:
		if pl.items[0].target, err = sm.root.Readlink(from); err != nil {
			return res, err
		}
	case !sfi.Mode().IsRegular():
		return res, needRegular(from, sfi)
	}
	if err := pl.execute(ctx); err != nil {
		return res, err
	}
	return guestproto.CopyResult{Files: pl.files, Bytes: pl.bytes}, nil
}

// add checks one entry against the limits and the destination and adds
// it to the plan.
func (pl *copyPlan) add(it copyItem) error {
	if len(pl.items) >= guestproto.MaxEntries {
		return protoErr(guestproto.CodeTooLarge, "%s has more than %d entries to copy", pl.from, guestproto.MaxEntries)
	}
	if it.info.Mode().IsRegular() {
		if pl.bytes += it.info.Size(); pl.bytes > MaxCopyBytes {
			return protoErr(guestproto.CodeTooLarge, "%s holds more than %d bytes to copy", pl.from, MaxCopyBytes)
		}
	}
	dst := path.Join(pl.to, it.rel)
	dfi, err := pl.dst.root.Lstat(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case !pl.overwrite:
		return protoErr(guestproto.CodeExists, "%s exists (set overwrite to replace it)", dst)
	case it.info.IsDir() && !dfi.IsDir():
		return protoErr(guestproto.CodeNotDir, "%s exists and is not a directory", dst)
	case !it.info.IsDir() && dfi.IsDir():
		return protoErr(guestproto.CodeIsDir, "%s is a directory; it is never replaced", dst)
	default:
		it.exists = true
	}
	pl.items = append(pl.items, it)
	return nil
}

// walk plans the copy of the source directory's contents.
func (pl *copyPlan) walk(ctx context.Context) error {
	dr, dfi, err := openDirRoot(pl.src.root, pl.from)
	if err != nil {
		return err
	}
	defer dr.Close()
	if !os.SameFile(dfi, pl.items[0].info) {
		return protoErr(guestproto.CodeConflict, "%s changed while it was being opened", pl.from)
	}
	w := &walker{ctx: ctx, m: pl.src, maxDepth: guestproto.MaxTreeDepth + 1}
	err = w.run(dr, func(e walkEntry) (bool, error) {
		if e.depth > guestproto.MaxTreeDepth {
			return false, protoErr(guestproto.CodeTooLarge, "%s is nested more than %d levels deep", pl.from, guestproto.MaxTreeDepth)
		}
		it := copyItem{rel: e.rel, info: e.info}
		mode := e.info.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			t, err := e.dir.Readlink(e.name)
			if err != nil {
				return false, err
			}
			it.target = t
		case !mode.IsRegular() && !mode.IsDir():
			return false, nil // special files are not copied
		}
		return true, pl.add(it)
	})
	if err != nil {
		return err
	}
	if w.incomplete {
		return protoErr(guestproto.CodeTooLarge, "could not read all of %s", pl.from)
	}
	return nil
}

// execute writes the plan: directories first made private, then given
// their permissions once filled; files and symlinks staged and moved into
// place; every directory written to fsynced at the end.
func (pl *copyPlan) execute(ctx context.Context) error {
	var dirs []copyItem
	for _, it := range pl.items {
		if err := ctx.Err(); err != nil {
			return err
		}
		dst := path.Join(pl.to, it.rel)
		mode := it.info.Mode()
		switch {
		case mode.IsDir():
			if !it.exists {
				if err := pl.dst.root.Mkdir(dst, 0o700); err != nil {
					return err
				}
			}
			dirs = append(dirs, it)
		case mode&fs.ModeSymlink != 0:
			st, err := stageSymlink(pl.dst.root, it.target)
			if err != nil {
				return err
			}
			err = st.commit(dst, 0, !it.exists, false)
			st.abort()
			if err != nil {
				return err
			}
			pl.files++
		default:
			if err := pl.copyFile(ctx, it, dst); err != nil {
				return err
			}
			pl.files++
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		dst := path.Join(pl.to, dirs[i].rel)
		if !dirs[i].exists {
			if err := pl.dst.root.Chmod(dst, dirs[i].info.Mode().Perm()); err != nil {
				return err
			}
		}
		syncDir(pl.dst.root, dst)
	}
	syncDir(pl.dst.root, path.Dir(pl.to))
	return nil
}

// copyFile copies one planned regular file through the staging directory,
// keeping its permissions. The source must still be the file planned.
func (pl *copyPlan) copyFile(ctx context.Context, it copyItem, dst string) error {
	src := path.Join(pl.from, it.rel)
	f, fi, err := openRegular(pl.src.root, src)
	if err != nil {
		return err
	}
	defer f.Close()
	if !os.SameFile(fi, it.info) || fi.Size() != it.info.Size() {
		return protoErr(guestproto.CodeConflict, "%s changed during the copy", src)
	}
	st, err := stageFile(pl.dst.root, fi.Mode().Perm())
	if err != nil {
		return err
	}
	defer st.abort()
	var n int64
	for n < fi.Size() {
		if err := ctx.Err(); err != nil {
			return err
		}
		// *os.File to *os.File through a LimitedReader: the kernel
		// copies (copy_file_range) where it can.
		k, err := io.Copy(st.f, io.LimitReader(f, min(copyChunk, fi.Size()-n)))
		n += k
		if err != nil {
			return err
		}
		if k == 0 {
			break
		}
	}
	if n != fi.Size() {
		return protoErr(guestproto.CodeConflict, "%s changed during the copy", src)
	}
	return st.commit(dst, fi.Mode().Perm(), !it.exists, false)
}
