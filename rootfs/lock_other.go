//go:build !unix

package rootfs

import (
	"context"
	"errors"
	"fmt"
)

// lockCache is not implemented where flock is unavailable; images are only
// built on Linux and macOS hosts.
func lockCache(ctx context.Context, path string, p progress) (unlock func(), err error) {
	return nil, fmt.Errorf("lock %s: %w", path, errors.ErrUnsupported)
}
