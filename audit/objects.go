package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// objectStore writes content-addressed pre-images into dir.
// It is safe for concurrent use.
type objectStore struct {
	dir   string
	wrote atomic.Bool // a new object awaits the directory fsync
}

// put copies r (at most max bytes) into the store and returns its digest
// and size; ok is false, and nothing is kept, if r holds more than max.
func (s *objectStore) put(r io.Reader, max int64) (sum string, n int64, ok bool, err error) {
	head, err := io.ReadAll(io.LimitReader(r, min(max, smallObject)+1))
	if err != nil {
		return "", 0, false, err
	}
	if int64(len(head)) > max {
		return "", 0, false, nil
	}
	if len(head) <= smallObject {
		d := sha256.Sum256(head)
		sum = hex.EncodeToString(d[:])
		// Reuse an existing copy only if it is intact; else replace it.
		if old, err := os.ReadFile(filepath.Join(s.dir, sum)); err == nil && bytes.Equal(old, head) {
			return sum, int64(len(head)), true, nil
		}
		r = nil // head is all of it
	}
	tmp, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return "", 0, false, err
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(tmp, h)
	if _, err := w.Write(head); err != nil {
		return "", 0, false, err
	}
	n = int64(len(head))
	if r != nil {
		rest, err := io.Copy(w, io.LimitReader(r, max-n+1))
		if err != nil {
			return "", 0, false, err
		}
		n += rest
	}
	if n > max {
		return "", 0, false, nil
	}
	sum = hex.EncodeToString(h.Sum(nil))
	if err := tmp.Sync(); err != nil {
		return "", 0, false, err
	}
	if err := tmp.Close(); err != nil {
		return "", 0, false, err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, sum)); err != nil {
		return "", 0, false, err
	}
	tmp = nil
	s.wrote.Store(true)
	return sum, n, true, nil
}

// sync makes newly renamed objects durable.
func (s *objectStore) sync() error {
	if !s.wrote.Swap(false) {
		return nil
	}
	return syncDir(s.dir)
}

// validDigest reports whether d looks like a hex SHA-256.
func validDigest(d string) bool {
	if len(d) != 64 {
		return false
	}
	_, err := hex.DecodeString(d)
	return err == nil && strings.ToLower(d) == d
}

// syncDir fsyncs a directory so that entries created in it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// ensureDir creates p and missing parents (mode 0700), fsyncing each
// parent in which it created an entry.
func ensureDir(p string) error {
	fi, err := os.Stat(p)
	if err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s: not a directory", p)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := ensureDir(filepath.Dir(p)); err != nil {
		return err
	}
	if err := os.Mkdir(p, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(filepath.Dir(p))
}
