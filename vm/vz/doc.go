// Package vz is the macOS backend for vm: one virtual machine per session
// under Apple's Virtualization framework, driven through
// github.com/Code-Hex/vz/v3 (v3.7.1). It boots the arm64 guest image (an
// uncompressed Linux Image and the airlock initramfs) with the framework's
// Linux boot loader, and gives the guest an entropy device, a serial
// console written to a log file, one virtio socket device for the agent
// channel and one virtio-fs device per share. There is no network device.
//
// # What it protects
//
// The guest sees only the folders in Config.Shares. Read-only shares are
// created read-only in the framework (VZSharedDirectory readOnly), so
// writes are refused on the host side even by a guest kernel that remounts
// the share read-write. The guest has no NIC. The agent channel is a vsock
// connection that the host opens to port 1024 in the guest; the host never
// listens on a vsock port, so the guest cannot open connections to the
// host. The guest authenticates with a per-machine token before the host
// trusts the channel, and every message is treated as hostile (see
// vm/guestclient). The framework writes the console log without a bound,
// so a guest that floods its console is stopped once the log passes 32 MiB
// (checked every second) rather than left to fill the host disk.
//
// # What it does not protect
//
// Within a read-write share the guest acts with the host permissions of
// the airlock process: it can change any file there, and it can chmod them
// (approvals and the audit journal are the remedy, and airlock should run
// as an ordinary user). A bug in the Virtualization framework or in its
// virtio-fs server is an escape path that airlock cannot close; Apple runs
// each guest in a separate, sandboxed XPC service process, which limits it.
// The backend does not bound the guest's CPU use beyond the vCPU count.
// Nothing in this package has been run on a Mac from this repository's
// Linux CI: it is type-checked for darwin/arm64 (cmd/darwincheck) and
// exercised on a Mac by vz_test.go.
//
// # Shares: one virtio-fs device per share
//
// Each share gets its own VZVirtioFileSystemDeviceConfiguration whose tag
// is the share's name and whose VZSingleDirectoryShare carries the share's
// own read-only flag. The alternative, one device with a
// VZMultipleDirectoryShare, was rejected: the guest agent mounts every
// share by its name (the same code path as the QEMU backend's 9p mount
// tags), and per-share devices need no guest change; each share becomes a
// separate mount with its own ro, nodev, nosuid and noexec options, where
// one multi-directory mount would force a single set of mount options on
// every share and put all of them under one superblock. Share names are at
// most 31 bytes, within virtio-fs's 36-byte tag limit; the framework
// validates each tag as well.
//
// # Requirements for callers
//
//   - macOS 12 or later: virtio-fs and the hard stop (VZVirtualMachine
//     stop) need it. Start fails with an error wrapping vm.ErrUnavailable on
//     older releases, naming the missing feature.
//   - The binary must carry the com.apple.security.virtualization
//     entitlement: build it, then sign it ad hoc with
//     codesign --entitlements build/darwin/airlock.entitlements -s - BINARY.
//     `go run` binaries are unsigned. Without the entitlement, configuration
//     validation fails and Start returns an error wrapping vm.ErrUnavailable.
//   - cgo must be enabled (the default on macOS with the Xcode command line
//     tools), with a macOS 12 or later SDK.
//   - No call has to be made on the main thread: vz gives every machine its
//     own serial dispatch queue, and Start, Stop and the vsock Connect
//     block only the calling goroutine. (Only vz's graphical
//     StartGraphicApplication needs the main thread; this package does not
//     use it.)
//   - The kernel must be the uncompressed arm64 Image (what
//     `airlock image build --arch arm64` produces) on Apple silicon; the
//     framework does not decompress Image.gz. Intel Macs are untested.
//
// # Testing on a Mac
//
// From the repository root, with the arm64 guest image current in the
// airlock cache (README.md, "macOS", says how to get it) or named by
// AIRLOCK_IMAGE:
//
//	make test-vz
//
// which runs `go test -count=1 -exec "$PWD/build/darwin/codesign-exec"
// ./vm/vz`: build/darwin/codesign-exec signs each test binary with the
// entitlement before running it, and TestConformance runs the backend
// conformance suite (vm/vmtest.RunBackendTests) on real VMs. On Linux,
// `make darwincheck` (part of `make test`) type-checks this package and
// its tests for darwin/arm64 against the real vz sources.
package vz
