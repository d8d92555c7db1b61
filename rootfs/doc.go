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
// Build refuses an agent that is not a static Linux ELF executable for the
// image's architecture, and checks every new image with Verify before it
// enters the cache: the kernel is the format the hypervisor boots (arm64:
// an uncompressed little-endian Image, as Debian's gzip-compressed vmlinuz
// is decompressed; amd64: a vmlinux ELF with a PVH entry point), /init is
// that static executable, and the module list and module files match the
// manifest and the architecture. `airlock image info` runs Verify too.
//
// # Where the kernel comes from
//
// In order: BuildOptions.KernelDeb; else the newest package of the
// architecture in the cache's debs directory; else the kernel of the
// current image, while its extraction is still in the cache (so a host
// without apt, such as a Mac, can build images for new agents after one
// build from a downloaded package); else `apt-get download` of the
// package the linux-image-ARCH metapackage depends on (ARCH qualified as
// linux-image-arm64:arm64 when it is not the host's, which needs
// `dpkg --add-architecture arm64 && apt-get update` first).
//
// # What it does not guarantee
//
// The kernel package is trusted as given: its origin and signature are
// whatever apt verified when it was downloaded, or the caller's
// responsibility when a path is passed in BuildOptions.KernelDeb. The
// package does not check module signatures, does not check that the agent
// is the airlock agent (only that it is a static executable for the
// architecture), and never removes old images from the cache.
package rootfs
