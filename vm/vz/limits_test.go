package vz

import (
	"errors"
	"testing"

	"github.com/airlock-dev/airlock/vm"
)

func TestLimitsCheck(t *testing.T) {
	l := limits{minCPUs: 1, maxCPUs: 8, minMemory: 128 << 20, maxMemory: 16 << 30}
	for _, c := range []struct {
		cpus, mem int
		ok        bool
	}{
		{1, 256, true},
		{8, 128, true},
		{8, 16 << 10, true},
		{0, 256, false},
		{9, 256, false},
		{1, 127, false},
		{1, 16<<10 + 1, false},
		{1, -1, false},
	} {
		err := l.check(c.cpus, c.mem)
		if c.ok && err != nil {
			t.Errorf("check(%d, %d) = %v, want nil", c.cpus, c.mem, err)
		}
		if !c.ok && !errors.Is(err, vm.ErrInvalidConfig) {
			t.Errorf("check(%d, %d) = %v, want ErrInvalidConfig", c.cpus, c.mem, err)
		}
	}
}

func TestMiBRoundsUp(t *testing.T) {
	if got := mib(128<<20 + 1); got != 129 {
		t.Errorf("mib(128 MiB + 1) = %d, want 129", got)
	}
	if got := mib(128 << 20); got != 128 {
		t.Errorf("mib(128 MiB) = %d, want 128", got)
	}
}
