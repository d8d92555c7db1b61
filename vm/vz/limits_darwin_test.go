//go:build darwin

package vz

import (
	"errors"
	"testing"

	"github.com/airlock-dev/airlock/vm"
)

func TestHostLimits(t *testing.T) {
	l := hostLimits()
	t.Logf("host limits: cpus %d..%d, memory %d..%d MiB", l.minCPUs, l.maxCPUs, mib(l.minMemory), l.maxMemory>>20)
	if l.minCPUs < 1 || l.maxCPUs < l.minCPUs || l.minMemory == 0 || l.maxMemory < l.minMemory {
		t.Fatalf("implausible limits %+v", l)
	}
	if err := l.check(1, 256); err != nil {
		t.Errorf("the default machine (1 CPU, 256 MiB) does not fit: %v", err)
	}
	if below := int(mib(l.minMemory)) - 1; below > 0 {
		if err := l.check(1, below); !errors.Is(err, vm.ErrInvalidConfig) {
			t.Errorf("check(1, %d MiB) = %v, want ErrInvalidConfig", below, err)
		}
	}
}
