//go:build darwin

package vz

import (
	"errors"
	"fmt"

	"github.com/Code-Hex/vz/v3"

	"github.com/airlock-dev/airlock/vm"
)

// shareDevices builds one virtio-fs device per share: the device's tag is
// the share's name, which is how the guest agent finds and mounts it, and
// its single-directory share carries the share's own read-only flag, which
// the framework enforces on the host side.
func shareDevices(shares []vm.Share) ([]vz.DirectorySharingDeviceConfiguration, error) {
	devs := make([]vz.DirectorySharingDeviceConfiguration, 0, len(shares))
	for _, s := range shares {
		dir, err := vz.NewSharedDirectory(s.HostPath, s.ReadOnly)
		if err != nil {
			return nil, fmt.Errorf("share %q: %w", s.Name, featureErr("virtio-fs shared directory", 12, err))
		}
		single, err := vz.NewSingleDirectoryShare(dir)
		if err != nil {
			return nil, fmt.Errorf("share %q: %w", s.Name, featureErr("virtio-fs directory share", 12, err))
		}
		dev, err := vz.NewVirtioFileSystemDeviceConfiguration(s.Name)
		if err != nil {
			if errors.Is(err, vz.ErrUnsupportedOSVersion) || errors.Is(err, vz.ErrBuildTargetOSVersion) {
				return nil, fmt.Errorf("share %q: %w", s.Name, featureErr("virtio-fs device", 12, err))
			}
			return nil, fmt.Errorf("%w: share %q: the framework rejects it as a virtio-fs tag: %w", vm.ErrInvalidConfig, s.Name, err)
		}
		dev.SetDirectoryShare(single)
		devs = append(devs, dev)
	}
	return devs, nil
}
