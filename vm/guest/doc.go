// Package guest is the airlock guest agent: the program that runs as PID 1
// inside every sandbox VM, sets the VM up, and serves the host's requests
// over the agent channel.
//
// The same serving code runs in two places: inside a real VM (cmd/
// airlock-guest, with Init doing the PID 1 duties) and in-process in tests
// (vm/vmtest's fake backend, over net.Pipe, on temporary directories).
//
// # What it protects
//
// Every file operation is addressed by (share name, relative path) and
// confined to that share with os.Root, so `..`, absolute paths and symlinks
// cannot leave it. Read-only shares are refused here, mounted read-only by
// the guest kernel, and enforced by the hypervisor (QEMU readonly=on, vz
// read-only shares), so a guest that ignores this code still cannot write
// them. Shares are mounted nodev, nosuid, noexec.
//
// Content is only ever read from regular files: an entry is Lstat'ed
// before it is opened (FIFOs, sockets, devices and symlinks are refused
// unopened), opened non-blocking, and must still be the same inode once
// open. Walks (tree, find, search, copy, delete) never follow symlinks.
// Writes, edits and copies are staged in TempDirName at the share root,
// fsynced and renamed into place, so a crash leaves the old or the new
// file, never a torn one; Serve sweeps what a crash left in TempDirName.
//
// # What it does not protect
//
// The agent is not the security boundary: the VM is. The host treats every
// byte the agent sends as hostile (see vm/guestclient). Within a read-write
// share the agent does what the host asks; deciding what may be asked is
// the host's job (approvals, policy). The handshake token is on the kernel
// command line, readable by anything running in the guest; only the agent
// runs there.
package guest
