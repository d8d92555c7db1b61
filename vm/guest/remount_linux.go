package guest

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// remountWritable remounts the file system holding path read-write.
func remountWritable(path string) error {
	mp, err := mountPointOf(path)
	if err != nil {
		return err
	}
	if err := unix.Mount("", mp, "", unix.MS_REMOUNT, ""); err != nil {
		return fmt.Errorf("remount %s read-write: %w", mp, err)
	}
	return nil
}
