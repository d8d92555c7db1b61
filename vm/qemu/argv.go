package qemu

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/airlock-dev/airlock/vm"
)

// AgentPortName is the virtio-serial port name the guest agent looks for.
const AgentPortName = "airlock.agent"

// Spec is everything BuildArgv needs. It holds no state; BuildArgv is a
// pure function of it.
type Spec struct {
	Accel       string // "kvm" or "tcg"
	Kernel      string
	Initrd      string
	Cmdline     string // airlock words; BuildArgv adds the kernel's own
	CPUs        int
	MemoryMiB   int
	Shares      []vm.Share
	AgentSocket string // unix socket for the virtio-serial agent port
	VsockCID    uint32 // nonzero: use vhost-vsock with this guest CID instead of virtio-serial
	// TSCkHz is passed as tsc_early_khz under TCG, where calibrating the
	// TSC against the emulated PIT can fail ("Unable to calibrate against
	// PIT") and leave the boot hanging; measured here with 1 and 2 vCPUs.
	TSCkHz int
	// TBSizeMiB bounds TCG's translation cache (QEMU's default is 1 GiB
	// of address space, touched lazily). Zero leaves QEMU's default.
	TBSizeMiB int
	// Paused starts the machine with its CPUs stopped (-S). Tests use it
	// to simulate a guest that never boots.
	Paused bool
}

// BuildArgv returns QEMU's arguments (without the program name).
func BuildArgv(s Spec) []string {
	accel := s.Accel
	if accel == "tcg" && s.TBSizeMiB > 0 {
		accel += ",tb-size=" + strconv.Itoa(s.TBSizeMiB)
	}
	machine := "microvm,x-option-roms=off,isa-serial=on,rtc=on"
	if s.Accel == "tcg" {
		// Under TCG the kernel calibrates its clocks against the PIT and
		// needs the legacy interrupt controller for it.
		machine = "microvm,x-option-roms=off,isa-serial=on,rtc=on,pit=on,pic=on"
	} else {
		machine += ",pit=off,pic=off"
	}
	// cryptomgr.notests skips the crypto self-tests, 0.41 s of a TCG boot
	// (measured with initcall_debug); the guest relies on no kernel
	// crypto beyond module loading.
	kcmd := []string{"console=ttyS0", "quiet", "panic=-1", "rdinit=/init", "reboot=t", "cryptomgr.notests"}
	if s.Accel == "tcg" && s.TSCkHz > 0 {
		kcmd = append(kcmd, "tsc_early_khz="+strconv.Itoa(s.TSCkHz))
	}
	if s.Cmdline != "" {
		kcmd = append(kcmd, s.Cmdline)
	}
	argv := []string{
		"-accel", accel,
		"-M", machine,
		"-cpu", cpuModel(s.Accel),
		"-m", strconv.Itoa(s.MemoryMiB),
		"-smp", strconv.Itoa(s.CPUs),
		"-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
		"-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
		"-kernel", s.Kernel,
		"-initrd", s.Initrd,
		"-append", strings.Join(kcmd, " "),
		// The serial console goes to QEMU's stdout, which the backend
		// writes to a size-capped log file.
		"-chardev", "stdio,id=con,signal=off",
		"-serial", "chardev:con",
	}
	if s.Paused {
		argv = append(argv, "-S")
	}
	for i, sh := range s.Shares {
		id := fmt.Sprintf("fs%d", i)
		fsdev := fmt.Sprintf("local,id=%s,path=%s,security_model=none", id, sh.HostPath)
		if sh.ReadOnly {
			fsdev += ",readonly=on"
		}
		argv = append(argv,
			"-fsdev", fsdev,
			"-device", fmt.Sprintf("virtio-9p-device,fsdev=%s,mount_tag=%s", id, sh.Name))
	}
	if s.VsockCID != 0 {
		argv = append(argv, "-device", fmt.Sprintf("vhost-vsock-device,guest-cid=%d", s.VsockCID))
	} else {
		argv = append(argv,
			"-device", "virtio-serial-device",
			"-chardev", fmt.Sprintf("socket,id=agent,path=%s,server=on,wait=off", s.AgentSocket),
			"-device", "virtserialport,chardev=agent,name="+AgentPortName)
	}
	return argv
}

func cpuModel(accel string) string {
	if accel == "kvm" {
		return "host"
	}
	return "max"
}
