// Package qemu is the Linux backend for vm: one QEMU microvm process per
// machine, booting a PVH kernel directly, with no network device, 9p shares
// and the agent channel on virtio-serial (or vsock where the host has
// /dev/vhost-vsock).
//
// # What it protects
//
// QEMU runs with -nodefaults (no devices but the ones listed), without a
// NIC, under its seccomp sandbox (-sandbox on with obsolete, privilege
// elevation, spawning and resource control denied), and read-only shares
// are attached with readonly=on, so writes are refused by QEMU itself even
// if the guest kernel is subverted. Each QEMU process is tied to the
// airlock process with PR_SET_PDEATHSIG, so it dies with its parent.
//
// # What it does not protect
//
// With security_model=none, QEMU applies the guest's chmod to host files in
// read-write shares: run airlock as an ordinary user, not root, so the
// guest cannot create files with host privileges that matter. QEMU bugs
// (9p, virtio) are the attack surface a guest can reach. PR_SET_PDEATHSIG
// fires when the OS thread that started QEMU exits; Go keeps such threads
// alive, but a SIGKILLed airlock is cleaned up only by this signal.
//
// # Accelerator
//
// KVM is used when it actually boots a guest. /dev/kvm can exist and still
// hang (nested virtualisation on some CI hosts): a boot watchdog gives KVM
// a few seconds to reach the agent handshake, then kills it, falls back to
// TCG and remembers the verdict per host, so later boots go straight to
// the working accelerator.
package qemu
