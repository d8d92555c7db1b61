package rootfs

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// Supported guest architectures, in Debian's spelling.
const (
	ArchAMD64 = "amd64"
	ArchARM64 = "arm64"
)

// BuilderVersion identifies the build recipe. It is recorded in every
// manifest and bumped whenever the recipe changes in a way that changes the
// output, so images built by an older recipe are rebuilt.
const BuilderVersion = 1

// cacheDirEnv names the environment variable that overrides the default
// cache directory.
const cacheDirEnv = "AIRLOCK_CACHE_DIR"

// BuildOptions configures Build.
type BuildOptions struct {
	// Arch is the guest architecture: "amd64" (the default) or "arm64".
	Arch string
	// KernelDeb is the path of a linux-image-*-<arch> .deb. When empty, the
	// newest package already in the cache is used, or one is obtained with
	// apt-get download.
	KernelDeb string
	// Agent is the path of the static Linux guest agent binary, which
	// becomes /init. It is required.
	Agent string
	// AgentVersion is recorded in the manifest; it may be empty.
	AgentVersion string
	// CacheDir is the cache root; the default is DefaultCacheDir().
	CacheDir string
	// Progress receives short human-readable progress lines; it may be nil.
	Progress io.Writer
	// Logger receives diagnostic records; it may be nil.
	Logger *slog.Logger
}

// DefaultCacheDir returns $AIRLOCK_CACHE_DIR when it is set, else the
// airlock directory inside the user's cache directory.
func DefaultCacheDir() (string, error) {
	if dir := os.Getenv(cacheDirEnv); dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", cacheDirEnv, err)
		}
		return abs, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locate user cache directory: %w", err)
	}
	return filepath.Join(base, "airlock"), nil
}

// withDefaults validates o and fills in its defaults.
func (o BuildOptions) withDefaults() (BuildOptions, error) {
	if o.Arch == "" {
		o.Arch = ArchAMD64
	}
	if err := checkArch(o.Arch); err != nil {
		return o, err
	}
	if o.Agent == "" {
		return o, fmt.Errorf("agent binary path is required")
	}
	if o.CacheDir == "" {
		dir, err := DefaultCacheDir()
		if err != nil {
			return o, err
		}
		o.CacheDir = dir
	}
	abs, err := filepath.Abs(o.CacheDir)
	if err != nil {
		return o, fmt.Errorf("resolve cache directory: %w", err)
	}
	o.CacheDir = abs
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// checkArch reports an error for an architecture the package cannot build.
func checkArch(arch string) error {
	switch arch {
	case ArchAMD64, ArchARM64:
		return nil
	}
	return fmt.Errorf("unsupported architecture %q (want %s or %s)", arch, ArchAMD64, ArchARM64)
}

// kernelFileName returns the name of the kernel file in an image directory.
func kernelFileName(arch string) string {
	if arch == ArchARM64 {
		return "Image"
	}
	return "vmlinux"
}

// rootModules returns the modules the guest needs on arch, before
// dependencies are added.
func rootModules(arch string) []string {
	if arch == ArchARM64 {
		// Apple's Virtualization framework puts every virtio device on
		// PCI (Debian builds the generic host bridge in; virtio_pci is a
		// module). vm/vz gives the guest exactly a virtio console (hvc0,
		// loaded first so it appears early), one virtio-fs device per
		// share, a virtio socket device and an entropy device: no disk,
		// network or balloon driver is needed, and no 9p.
		return []string{"virtio_pci", "virtio_console", "virtiofs", "vmw_vsock_virtio_transport", "virtio_rng"}
	}
	// QEMU microvm: virtio devices on MMIO, shares over 9p, vsock through
	// vhost-vsock on the host.
	return []string{"virtio_mmio", "virtio_console", "9pnet_virtio", "9p", "vmw_vsock_virtio_transport", "virtio_rng"}
}
