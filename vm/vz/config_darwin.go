//go:build darwin

package vz

import (
	"fmt"

	"github.com/Code-Hex/vz/v3"

	"github.com/airlock-dev/airlock/vm"
)

// hostLimits reads the framework's bounds on a machine's size.
func hostLimits() limits {
	return limits{
		minCPUs:   vz.VirtualMachineConfigurationMinimumAllowedCPUCount(),
		maxCPUs:   vz.VirtualMachineConfigurationMaximumAllowedCPUCount(),
		minMemory: vz.VirtualMachineConfigurationMinimumAllowedMemorySize(),
		maxMemory: vz.VirtualMachineConfigurationMaximumAllowedMemorySize(),
	}
}

// machineConfig assembles and validates the virtual machine: the Linux
// boot loader with cmdline, the CPUs and memory of cfg, an entropy device,
// the serial console (hvc0) written to consolePath, one virtio socket
// device for the agent channel and one virtio-fs device per share. It adds
// no network, storage, graphics or input device.
func machineConfig(cfg vm.Config, cmdline, consolePath string) (*vz.VirtualMachineConfiguration, error) {
	loader, err := vz.NewLinuxBootLoader(cfg.Image.Kernel, vz.WithCommandLine(cmdline), vz.WithInitrd(cfg.Image.Initrd))
	if err != nil {
		return nil, featureErr("linux boot loader", 11, err)
	}
	conf, err := vz.NewVirtualMachineConfiguration(loader, uint(cfg.CPUs), uint64(cfg.MemoryMiB)<<20)
	if err != nil {
		return nil, featureErr("virtual machine configuration", 11, err)
	}

	entropy, err := vz.NewVirtioEntropyDeviceConfiguration()
	if err != nil {
		return nil, featureErr("entropy device", 11, err)
	}
	conf.SetEntropyDevicesVirtualMachineConfiguration([]*vz.VirtioEntropyDeviceConfiguration{entropy})

	console, err := vz.NewFileSerialPortAttachment(consolePath, false)
	if err != nil {
		return nil, featureErr("serial console log", 11, err)
	}
	serial, err := vz.NewVirtioConsoleDeviceSerialPortConfiguration(console)
	if err != nil {
		return nil, featureErr("serial console", 11, err)
	}
	conf.SetSerialPortsVirtualMachineConfiguration([]*vz.VirtioConsoleDeviceSerialPortConfiguration{serial})

	sock, err := vz.NewVirtioSocketDeviceConfiguration()
	if err != nil {
		return nil, featureErr("virtio socket device", 11, err)
	}
	conf.SetSocketDevicesVirtualMachineConfiguration([]vz.SocketDeviceConfiguration{sock})

	shares, err := shareDevices(cfg.Shares)
	if err != nil {
		return nil, err
	}
	if len(shares) > 0 {
		// This setter does nothing before macOS 12; Start has checked the
		// release, and shareDevices would have failed first.
		conf.SetDirectorySharingDevicesVirtualMachineConfiguration(shares)
	}

	ok, err := conf.Validate()
	if err != nil {
		return nil, validateErr(err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: the Virtualization framework refused the configuration without a reason", vm.ErrInvalidConfig)
	}
	return conf, nil
}
