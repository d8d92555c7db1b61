package vm

import (
	"errors"
	"fmt"
	"os"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// SweepTemp removes the guest's staging directory (guestproto.TempDirName)
// from every read-write share, on the host. Backends call it when a
// machine has ended, so an interrupted write leaves nothing behind. It
// works through os.Root, so a guest that replaced the directory with a
// symlink cannot make the host delete anything outside the share.
func SweepTemp(shares []Share) error {
	var errs []error
	for _, s := range shares {
		if s.ReadOnly {
			continue
		}
		r, err := os.OpenRoot(s.HostPath)
		if err != nil {
			errs = append(errs, fmt.Errorf("sweep share %s: %w", s.Name, err))
			continue
		}
		if err := r.RemoveAll(guestproto.TempDirName); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("sweep share %s: %w", s.Name, err))
		}
		r.Close()
	}
	return errors.Join(errs...)
}
