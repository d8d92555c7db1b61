// Package rootfs builds the guest image that airlock boots in each sandbox
// virtual machine: a kernel and an initramfs whose /init is the guest agent.
//
// # What the image contains
//
// The kernel comes unmodified from a Debian linux-image package (.deb). On
// amd64 it is the uncompressed vmlinux ELF taken out of the package's
// bzImage, which QEMU's microvm machine boots directly through its PVH entry
// point; on arm64 it is the uncompressed Image that Apple's Virtualization
// framework expects. The initramfs is an uncompressed newc cpio archive that
// holds only:
//
//   - empty directories /dev, /proc, /sys, /tmp, /run, /mnt, /etc,
//     /etc/airlock, /lib and /lib/modules;
//   - the device nodes /dev/console and /dev/null, so the kernel can open a
//     console before devtmpfs is mounted;
//   - /init, the static guest agent binary supplied by the caller;
//   - the kernel modules the guest needs for its virtio devices (console,
//     vsock, entropy, and 9p or virtiofs shares) together with everything
//     they depend on, in /lib/modules;
//   - /etc/airlock/modules, the module file names in load order, every
//     module after the modules it depends on.
//
// There is no shell, no libc and no package manager in the guest: the agent
// is the only program.
//
// # What it guarantees
//
// Images are content addressed: an image's ID is the SHA-256 over the
// SHA-256 digests of its kernel and its initramfs, and it names the image's
// directory in the cache. The same kernel package and agent produce a
// byte-identical initramfs (all timestamps and owners are zero). Open and
// Current re-hash the kernel and the initramfs and refuse an image whose
// files no longer match its manifest. Every file in the cache is written
// atomically and builds are serialised by a lock file, so an interrupted or
// concurrent build never leaves a half-written image behind. Build is
// idempotent: when an image for the same package, agent and recipe exists it
// is returned without rebuilding.
//
// # What it does not guarantee
//
// The kernel package is trusted as given: its origin and signature are
// whatever apt verified when it was downloaded, or the caller's
// responsibility when a path is passed in BuildOptions.KernelDeb. The
// package does not check module signatures, does not verify that the agent
// is really a static binary for the right architecture, and never removes
// old images from the cache.
package rootfs
