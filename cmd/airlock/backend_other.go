//go:build !darwin

package main

import (
	"log/slog"

	"github.com/airlock-dev/airlock/vm"
)

// newBackend returns the VM backend for this OS: QEMU.
func newBackend(log *slog.Logger) (vm.Backend, error) {
	return newQEMU(log)
}
