//go:build darwin

package vz

import (
	"fmt"
	"syscall"

	"github.com/airlock-dev/airlock/vm"
)

// hostMacOSVersion returns the running macOS release.
func hostMacOSVersion() (macOSVersion, error) {
	s, err := syscall.Sysctl("kern.osproductversion")
	if err != nil {
		return macOSVersion{}, fmt.Errorf("read kern.osproductversion: %w", err)
	}
	return parseMacOSVersion(s)
}

// requireMacOS returns an error wrapping vm.ErrUnavailable unless the host
// runs macOS major or later; why names what needs it.
func requireMacOS(major int, why string) error {
	v, err := hostMacOSVersion()
	if err != nil {
		return fmt.Errorf("%w: %v", vm.ErrUnavailable, err)
	}
	if !v.atLeast(major) {
		return fmt.Errorf("%w: %s needs macOS %d or later; this Mac runs macOS %s", vm.ErrUnavailable, why, major, v)
	}
	return nil
}
