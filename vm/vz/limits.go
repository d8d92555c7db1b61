package vz

import (
	"fmt"

	"github.com/airlock-dev/airlock/vm"
)

// limits are the Virtualization framework's bounds on a machine's size on
// this host.
type limits struct {
	minCPUs, maxCPUs     uint
	minMemory, maxMemory uint64 // bytes
}

// check returns an error wrapping vm.ErrInvalidConfig unless cpus and
// memoryMiB are within l.
func (l limits) check(cpus, memoryMiB int) error {
	if cpus < 1 || uint(cpus) < l.minCPUs || uint(cpus) > l.maxCPUs {
		return fmt.Errorf("%w: cpus %d out of this host's range %d..%d", vm.ErrInvalidConfig, cpus, l.minCPUs, l.maxCPUs)
	}
	mem := uint64(memoryMiB) << 20
	if memoryMiB < 1 || mem < l.minMemory || mem > l.maxMemory {
		return fmt.Errorf("%w: memory %d MiB out of this host's range %d..%d MiB", vm.ErrInvalidConfig, memoryMiB, mib(l.minMemory), l.maxMemory>>20)
	}
	return nil
}

// mib converts bytes to MiB, rounding up.
func mib(b uint64) uint64 { return (b + 1<<20 - 1) >> 20 }
