//go:build darwin

package vz

import (
	"errors"

	"github.com/airlock-dev/airlock/vm"
)

// HardStop stops a machine started by this package through the framework
// at once, bypassing Stop: for the machine it is a crash, as if the
// hypervisor had died.
func HardStop(mc vm.Machine) error {
	m, ok := mc.(*machine)
	if !ok {
		return errors.New("not a vz machine")
	}
	return m.vm.Stop()
}
