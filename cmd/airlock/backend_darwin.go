package main

import (
	"log/slog"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vz"
)

// newBackend returns the VM backend for this OS: Apple's Virtualization
// framework on macOS.
func newBackend(log *slog.Logger) (vm.Backend, error) {
	return &vz.Backend{Logger: log}, nil
}
