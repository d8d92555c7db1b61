//go:build darwin

package vz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/Code-Hex/vz/v3"

	"github.com/airlock-dev/airlock/vm"
)

// featureErr explains an error from a vz call. A macOS release (or SDK)
// too old for the feature becomes an error wrapping vm.ErrUnavailable that
// names the feature and the release it needs.
func featureErr(feature string, needMacOS int, err error) error {
	switch {
	case errors.Is(err, vz.ErrUnsupportedOSVersion):
		return fmt.Errorf("%w: %s needs macOS %d or later (%w)", vm.ErrUnavailable, feature, needMacOS, err)
	case errors.Is(err, vz.ErrBuildTargetOSVersion):
		return fmt.Errorf("%w: %s needs a binary built with the macOS %d SDK or later (%w)", vm.ErrUnavailable, feature, needMacOS, err)
	}
	return fmt.Errorf("%s: %w", feature, err)
}

// validateErr classifies a configuration the framework refused. The usual
// cause is the host, not the configuration (which Start has checked): a
// binary without the virtualization entitlement, or a Mac that cannot
// virtualize. The framework reports both only in its message.
func validateErr(err error) error {
	var nserr *vz.NSError
	if errors.As(err, &nserr) {
		msg := strings.ToLower(nserr.LocalizedDescription + " " + nserr.UserInfo)
		switch {
		case strings.Contains(msg, "com.apple.security.virtualization"), strings.Contains(msg, "entitlement"):
			return fmt.Errorf("%w: the binary lacks the com.apple.security.virtualization entitlement; sign it with codesign --entitlements build/darwin/airlock.entitlements -s - BINARY (%w)", vm.ErrUnavailable, err)
		case strings.Contains(msg, "virtualization is not"):
			return fmt.Errorf("%w: virtualization is not available on this Mac (%w)", vm.ErrUnavailable, err)
		}
	}
	return fmt.Errorf("%w: the Virtualization framework refused the configuration: %w", vm.ErrInvalidConfig, err)
}
