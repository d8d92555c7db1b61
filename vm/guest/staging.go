package guest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"syscall"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// SweepTemp removes the staging directory (TempDirName) from a share's
// root, with whatever an interrupted earlier session left in it. Serve
// calls it for every read-write share before serving. It works through
// os.Root, and a staging "directory" that is really a symlink is unlinked,
// never followed.
func SweepTemp(root *os.Root) error {
	if err := root.RemoveAll(TempDirName); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sweep %s: %w", TempDirName, err)
	}
	return nil
}

// ensureTempDir creates the staging directory if it is missing. Anything
// else found under the reserved name is replaced.
func ensureTempDir(root *os.Root) error {
	err := root.Mkdir(TempDirName, 0o700)
	if err == nil || !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, err := root.Lstat(TempDirName)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return nil
	}
	if err := root.Remove(TempDirName); err != nil {
		return fmt.Errorf("replace %s: %w", TempDirName, err)
	}
	return root.Mkdir(TempDirName, 0o700)
}

// staged is a file or symlink being prepared in the staging directory,
// to be moved into place by commit. Staging at the share root rather than
// next to the target keeps half-written files out of the user's folders
// and lets one sweep remove them after a crash.
type staged struct {
	root *os.Root
	name string   // relative to root
	f    *os.File // nil once closed, and for a symlink
	done bool
}

// stageFile creates an empty staged file with the given permissions.
func stageFile(root *os.Root, mode fs.FileMode) (*staged, error) {
	if err := ensureTempDir(root); err != nil {
		return nil, fmt.Errorf("create staging directory: %w", err)
	}
	name := TempDirName + "/w-" + randSuffix()
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return nil, fmt.Errorf("create staging file: %w", err)
	}
	return &staged{root: root, name: name, f: f}, nil
}

// stageSymlink creates a staged symlink with the given target text.
func stageSymlink(root *os.Root, target string) (*staged, error) {
	if err := ensureTempDir(root); err != nil {
		return nil, fmt.Errorf("create staging directory: %w", err)
	}
	name := TempDirName + "/l-" + randSuffix()
	if err := root.Symlink(target, name); err != nil {
		return nil, fmt.Errorf("create staging symlink: %w", err)
	}
	return &staged{root: root, name: name}, nil
}

// Write writes to the staged file.
func (s *staged) Write(b []byte) (int, error) { return s.f.Write(b) }

// abort discards the staged entry unless it was committed.
func (s *staged) abort() {
	if s.done {
		return
	}
	s.done = true
	if s.f != nil {
		s.f.Close()
	}
	_ = s.root.Remove(s.name)
}

// commit makes a staged file durable (permissions set to mode, fsync) and
// moves it to dst: by rename, replacing whatever regular file or symlink
// is there, or, with noClobber, by hard link, which fails if dst exists
// even when it appeared a moment ago. With syncParent, dst's directory is
// fsynced afterwards so the new entry survives a crash.
func (s *staged) commit(dst string, mode fs.FileMode, noClobber, syncParent bool) error {
	if s.f != nil {
		if err := s.f.Chmod(mode); err != nil {
			return fmt.Errorf("set mode: %w", err)
		}
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		err := s.f.Close()
		s.f = nil
		if err != nil {
			return fmt.Errorf("close: %w", err)
		}
	}
	if noClobber {
		if err := s.linkNoClobber(dst); err != nil {
			return err
		}
	} else if err := s.root.Rename(s.name, dst); err != nil {
		return err
	}
	s.done = true
	if syncParent {
		syncDir(s.root, path.Dir(dst))
	}
	return nil
}

// linkNoClobber links the staged entry to dst and removes the staging
// name. On a file system without hard links it falls back to checking
// that dst is absent and renaming, which leaves a narrow window in which
// a file created by someone else could be replaced.
func (s *staged) linkNoClobber(dst string) error {
	err := s.root.Link(s.name, dst)
	switch {
	case err == nil:
		_ = s.root.Remove(s.name)
		return nil
	case errors.Is(err, fs.ErrExist):
		return protoErr(guestproto.CodeExists, "%s exists", dst)
	case !linkUnsupported(err):
		return err
	}
	if _, err := s.root.Lstat(dst); err == nil {
		return protoErr(guestproto.CodeExists, "%s exists", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return s.root.Rename(s.name, dst)
}

// linkUnsupported reports whether a link failed because the file system
// does not do hard links.
func linkUnsupported(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) ||
		errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS) ||
		errors.Is(err, syscall.EMLINK)
}

// existingTarget looks at what a write would replace: nil if nothing, the
// info of a regular file, and an error for anything else.
func existingTarget(root *os.Root, p string) (fs.FileInfo, error) {
	fi, err := root.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	}
	if err := needRegular(p, fi); err != nil {
		return nil, err
	}
	return fi, nil
}

// checkParent makes sure the directory that will hold p exists.
func checkParent(root *os.Root, p string) error {
	dir := path.Dir(p)
	fi, err := root.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return protoErr(guestproto.CodeNotFound, "directory %s does not exist", dir)
	case err != nil:
		return err
	case !fi.IsDir():
		return protoErr(guestproto.CodeNotDir, "%s is not a directory", dir)
	}
	return nil
}

// unchanged fails with CodeConflict if p is no longer the file before
// described (another inode, size or modification time).
func unchanged(root *os.Root, p string, before fs.FileInfo) error {
	fi, err := root.Lstat(p)
	if err != nil || !os.SameFile(fi, before) || fi.Size() != before.Size() || !fi.ModTime().Equal(before.ModTime()) {
		return protoErr(guestproto.CodeConflict, "%s changed meanwhile", p)
	}
	return nil
}
