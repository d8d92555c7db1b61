package audit

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"
)

// restoreFile writes the pre-image of t to rel atomically.
func (p Plan) restoreFile(root *os.Root, rel string, t FileState) (err error) {
	if !validDigest(t.SHA256) {
		return fmt.Errorf("%w: pre-image digest %q", ErrInvalid, t.SHA256)
	}
	src, err := os.Open(filepath.Join(p.objDir, t.SHA256))
	if err != nil {
		return err
	}
	defer src.Close()
	tmp := tempName(path.Dir(rel))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			root.Remove(tmp)
		}
	}()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), src); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != t.SHA256 {
		return fmt.Errorf("pre-image %s does not match its hash: %w", t.SHA256, ErrCorrupt)
	}
	if err := f.Chmod(t.Mode); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	err, f = f.Close(), nil
	if err != nil {
		return err
	}
	if !t.MTime.IsZero() {
		if err := root.Chtimes(tmp, time.Time{}, t.MTime); err != nil {
			return err
		}
	}
	return root.Rename(tmp, rel)
}

// setDirAttrs restores a directory's mode and modification time, unless
// the path is no longer a directory.
func setDirAttrs(root *os.Root, rel string, t FileState) error {
	fi, err := root.Lstat(rel)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("no longer a directory")
	}
	if err := root.Chmod(rel, t.Mode); err != nil {
		return err
	}
	if t.MTime.IsZero() {
		return nil
	}
	return root.Chtimes(rel, time.Time{}, t.MTime)
}

// tempName returns an unused-looking name for a temporary file in dir.
func tempName(dir string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return path.Join(dir, ".airlock-rollback-"+hex.EncodeToString(b[:]))
}

// syncRootDir fsyncs directory rel inside root.
func syncRootDir(root *os.Root, rel string) error {
	d, err := root.Open(rel)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// rootCache opens each mount root once.
type rootCache map[string]*os.Root

func (rc rootCache) get(dir string) (*os.Root, error) {
	if r, ok := rc[dir]; ok {
		return r, nil
	}
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("%w: mount root %q is not absolute", ErrInvalid, dir)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	rc[dir] = r
	return r, nil
}

func (rc rootCache) close() {
	for _, r := range rc {
		r.Close()
	}
}
