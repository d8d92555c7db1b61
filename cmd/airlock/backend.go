package main

import (
	"log/slog"
	"path/filepath"

	"github.com/airlock-dev/airlock/rootfs"
	"github.com/airlock-dev/airlock/vm/qemu"
)

// newQEMU returns the QEMU backend with its accelerator verdict kept in the
// airlock cache, so the KVM probe happens once per host.
func newQEMU(log *slog.Logger) (*qemu.Backend, error) {
	cache, err := rootfs.DefaultCacheDir()
	if err != nil {
		return nil, err
	}
	return &qemu.Backend{
		VerdictFile: filepath.Join(cache, "qemu-accel.json"),
		Logger:      log,
	}, nil
}
