//go:build !darwin

package vz

import (
	"context"
	"fmt"
	"runtime"

	"github.com/airlock-dev/airlock/vm"
)

// Start implements vm.Backend. The Virtualization framework exists only on
// macOS, so on this system Start always fails with an error wrapping
// vm.ErrUnavailable.
func (b *Backend) Start(ctx context.Context, cfg vm.Config) (vm.Machine, error) {
	return nil, fmt.Errorf("%w: the vz backend runs only on macOS, not %s/%s; use the qemu backend", vm.ErrUnavailable, runtime.GOOS, runtime.GOARCH)
}
