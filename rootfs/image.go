package rootfs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Sentinel errors. Check them with errors.Is.
var (
	// ErrNoImage is returned by Current when no image has been built for
	// the architecture.
	ErrNoImage = errors.New("rootfs: no image built")
	// ErrCorrupt is returned by Open and Current for an image whose files
	// do not match its manifest.
	ErrCorrupt = errors.New("rootfs: image does not match its manifest")
)

// File names inside an image directory besides the kernel.
const (
	manifestName = "manifest.json"
	initrdName   = "initramfs.cpio"
)

// maxManifestSize bounds the manifest read into memory.
const maxManifestSize = 1 << 20

// Image is a built guest image in the cache.
type Image struct {
	Dir      string // the image directory in the cache
	Kernel   string // absolute path: vmlinux (amd64, PVH ELF) or Image (arm64, uncompressed)
	Initrd   string // absolute path: initramfs.cpio
	Manifest Manifest
}

// Manifest describes how an image was built. It is stored as manifest.json
// in the image directory.
type Manifest struct {
	// ID is the hex SHA-256 over the kernel and initramfs digests (see
	// imageID); it is also the image directory's name.
	ID            string `json:"id"`
	Arch          string `json:"arch"`
	KernelPackage string `json:"kernel_package"` // e.g. linux-image-6.1.0-50-amd64
	// KernelPackageVersion is the Debian version of the kernel package.
	KernelPackageVersion string `json:"kernel_package_version"`
	KernelVersion        string `json:"kernel_version"` // e.g. 6.1.0-50-amd64
	DebSHA256            string `json:"deb_sha256"`
	KernelSHA256         string `json:"kernel_sha256"`
	InitrdSHA256         string `json:"initrd_sha256"`
	AgentSHA256          string `json:"agent_sha256"`
	AgentVersion         string `json:"agent_version,omitempty"`
	// Modules are the module names (file names without .ko) in load
	// order, every module after its dependencies.
	Modules []string `json:"modules"`
	// Builtin are the requested modules compiled into the kernel, which
	// need no file.
	Builtin        []string  `json:"builtin"`
	BuilderVersion int       `json:"builder_version"`
	Created        time.Time `json:"created"`
}

// imageID derives an image's identity from its content: the hex SHA-256 of
// the kernel digest and the initramfs digest, both hex, each followed by a
// newline.
func imageID(kernelSHA256, initrdSHA256 string) string {
	sum := sha256.Sum256([]byte(kernelSHA256 + "\n" + initrdSHA256 + "\n"))
	return hex.EncodeToString(sum[:])
}

// isHexDigest reports whether s is a lower-case hex SHA-256.
func isHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// Open reads the image in dir and validates it: the manifest must be
// consistent with the directory name, and the kernel and the initramfs are
// re-hashed and compared with the manifest. A mismatch wraps ErrCorrupt.
func Open(dir string) (Image, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return Image{}, fmt.Errorf("resolve image directory: %w", err)
	}
	img, err := readImage(dir)
	if err != nil {
		return Image{}, err
	}
	for path, want := range map[string]string{img.Kernel: img.Manifest.KernelSHA256, img.Initrd: img.Manifest.InitrdSHA256} {
		got, _, err := hashFile(path)
		if err != nil {
			return Image{}, fmt.Errorf("open image %s: %w", dir, err)
		}
		if got != want {
			return Image{}, fmt.Errorf("open image %s: %s has sha256 %s, manifest says %s: %w", dir, filepath.Base(path), got, want, ErrCorrupt)
		}
	}
	return img, nil
}

// readImage reads and checks the manifest of the image in dir without
// hashing the files.
func readImage(dir string) (Image, error) {
	f, err := os.Open(filepath.Join(dir, manifestName))
	if err != nil {
		return Image{}, fmt.Errorf("open image %s: %w", dir, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestSize+1))
	if err != nil {
		return Image{}, fmt.Errorf("read manifest in %s: %w", dir, err)
	}
	if len(data) > maxManifestSize {
		return Image{}, fmt.Errorf("manifest in %s is too large: %w", dir, ErrCorrupt)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Image{}, fmt.Errorf("parse manifest in %s: %w: %w", dir, err, ErrCorrupt)
	}
	if err := m.check(filepath.Base(dir)); err != nil {
		return Image{}, fmt.Errorf("open image %s: %w: %w", dir, err, ErrCorrupt)
	}
	return Image{
		Dir:      dir,
		Kernel:   filepath.Join(dir, kernelFileName(m.Arch)),
		Initrd:   filepath.Join(dir, initrdName),
		Manifest: m,
	}, nil
}

// check validates a manifest's internal consistency and its directory name.
func (m Manifest) check(dirName string) error {
	if err := checkArch(m.Arch); err != nil {
		return err
	}
	for name, v := range map[string]string{"id": m.ID, "kernel_sha256": m.KernelSHA256, "initrd_sha256": m.InitrdSHA256} {
		if !isHexDigest(v) {
			return fmt.Errorf("manifest field %s is not a sha256 digest", name)
		}
	}
	if m.ID != imageID(m.KernelSHA256, m.InitrdSHA256) {
		return errors.New("manifest id does not match its digests")
	}
	if m.ID != dirName {
		return fmt.Errorf("manifest id %s does not match directory %s", m.ID, dirName)
	}
	return nil
}

// imagesDir returns the directory holding the images of a cache.
func imagesDir(cacheDir string) string {
	return filepath.Join(cacheDir, "images")
}

// currentPath returns the pointer file naming the current image of arch.
func currentPath(cacheDir, arch string) string {
	return filepath.Join(imagesDir(cacheDir), "current-"+arch)
}

// Current returns the image the last successful Build for arch produced,
// validated as by Open. When there is none the error wraps ErrNoImage.
func Current(cacheDir, arch string) (Image, error) {
	if err := checkArch(arch); err != nil {
		return Image{}, err
	}
	data, err := os.ReadFile(currentPath(cacheDir, arch))
	if errors.Is(err, os.ErrNotExist) {
		return Image{}, fmt.Errorf("no image for %s in %s: %w", arch, cacheDir, ErrNoImage)
	}
	if err != nil {
		return Image{}, fmt.Errorf("read current image: %w", err)
	}
	id := strings.TrimSpace(string(data))
	if !isHexDigest(id) {
		return Image{}, fmt.Errorf("current image pointer for %s holds %q: %w", arch, id, ErrCorrupt)
	}
	dir := filepath.Join(imagesDir(cacheDir), id)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return Image{}, fmt.Errorf("current image %s for %s was removed: %w", id, arch, ErrNoImage)
	}
	img, err := Open(dir)
	if err != nil {
		return Image{}, err
	}
	if img.Manifest.Arch != arch {
		return Image{}, fmt.Errorf("current image for %s is built for %s: %w", arch, img.Manifest.Arch, ErrCorrupt)
	}
	return img, nil
}

// setCurrent atomically points the current image of arch at id.
func setCurrent(cacheDir, arch, id string) error {
	return writeBytesAtomic(currentPath(cacheDir, arch), 0o644, []byte(id+"\n"))
}
