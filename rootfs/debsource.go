package rootfs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// debsDir returns the directory holding downloaded kernel packages.
func debsDir(cacheDir string) string {
	return filepath.Join(cacheDir, "debs")
}

// kernelSource is what a build takes its kernel from: a package file, or
// (path empty) the kernel already extracted in the cache from the package
// with digest debSum.
type kernelSource struct {
	path   string
	debSum string // hex SHA-256 of the package
	size   int64  // of the package file; 0 without one
}

// kernelSource returns what to build from: the caller's package, else the
// newest package in the cache, else the kernel of the current image while
// it is still extracted in the cache, else a freshly downloaded package.
// The third step is what lets a host without apt (macOS), or one whose
// image came from a --kernel-deb file outside the cache, build images for
// new agents without being given the package again.
func (b *builder) kernelSource(ctx context.Context) (kernelSource, error) {
	if b.o.KernelDeb == "" {
		cached, err := newestCachedDeb(debsDir(b.o.CacheDir), b.o.Arch)
		if err != nil {
			return kernelSource{}, err
		}
		if cached == "" {
			if src, ok := b.currentKernel(); ok {
				return src, nil
			}
		}
	}
	path, err := b.kernelDeb(ctx)
	if err != nil {
		return kernelSource{}, err
	}
	sum, size, err := hashFile(path)
	if err != nil {
		return kernelSource{}, fmt.Errorf("kernel package: %w", err)
	}
	return kernelSource{path: path, debSum: sum, size: size}, nil
}

// currentKernel returns the kernel of the current image of the build's
// architecture when its extraction directory is in the cache. The
// directory's content is verified when it is loaded.
func (b *builder) currentKernel() (kernelSource, bool) {
	data, err := os.ReadFile(currentPath(b.o.CacheDir, b.o.Arch))
	if err != nil {
		return kernelSource{}, false
	}
	id := strings.TrimSpace(string(data))
	if !isHexDigest(id) {
		return kernelSource{}, false
	}
	img, err := readImage(filepath.Join(imagesDir(b.o.CacheDir), id))
	if err != nil || img.Manifest.Arch != b.o.Arch || !isHexDigest(img.Manifest.DebSHA256) {
		return kernelSource{}, false
	}
	m := img.Manifest
	if _, err := os.Stat(filepath.Join(kernelDir(b.o.CacheDir, m.DebSHA256, b.o.Arch), kernelInfoName)); err != nil {
		return kernelSource{}, false
	}
	b.p.printf("no kernel package given or cached; using the current image's kernel (%s %s)", m.KernelPackage, m.KernelPackageVersion)
	b.log.Info("using the current image's kernel", "package", m.KernelPackage, "version", m.KernelPackageVersion)
	return kernelSource{debSum: m.DebSHA256}, true
}

// kernelDeb returns the kernel package to build from: the caller's, else
// the newest one in the cache, else a freshly downloaded one.
func (b *builder) kernelDeb(ctx context.Context) (string, error) {
	if b.o.KernelDeb != "" {
		path, err := filepath.Abs(b.o.KernelDeb)
		if err != nil {
			return "", fmt.Errorf("resolve kernel package path: %w", err)
		}
		info, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("kernel package: %w", err)
		}
		if !info.Mode().IsRegular() {
			return "", fmt.Errorf("kernel package %s is not a regular file", path)
		}
		return path, nil
	}
	path, err := newestCachedDeb(debsDir(b.o.CacheDir), b.o.Arch)
	if err != nil {
		return "", err
	}
	if path != "" {
		b.log.Debug("using cached kernel package", "path", path)
		return path, nil
	}
	return b.downloadKernelDeb(ctx)
}

// cachedDeb is a kernel package file found in the cache.
type cachedDeb struct {
	path    string
	pkg     string
	version string
	mtime   time.Time
}

// newestCachedDeb returns the newest linux-image-*-<arch> package in dir,
// or "" when there is none. Packages are ordered by Debian version, then
// package name, then modification time.
func newestCachedDeb(dir, arch string) (string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "linux-image-*_*_"+arch+".deb"))
	if err != nil {
		return "", fmt.Errorf("list cached kernel packages: %w", err)
	}
	var debs []cachedDeb
	for _, m := range matches {
		parts := strings.Split(strings.TrimSuffix(filepath.Base(m), ".deb"), "_")
		if len(parts) != 3 || !isKernelImagePackage(parts[0], arch) {
			continue
		}
		info, err := os.Stat(m)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		debs = append(debs, cachedDeb{path: m, pkg: parts[0], version: parts[1], mtime: info.ModTime()})
	}
	if len(debs) == 0 {
		return "", nil
	}
	newest := slices.MaxFunc(debs, func(a, b cachedDeb) int {
		if c := compareVersions(a.version, b.version); c != 0 {
			return c
		}
		if c := compareVersions(a.pkg, b.pkg); c != 0 {
			return c
		}
		return a.mtime.Compare(b.mtime)
	})
	return newest.path, nil
}

// isKernelImagePackage reports whether pkg is a versioned, generic kernel
// image package for arch (not the metapackage, not a cloud or real-time
// flavour, not debug symbols).
func isKernelImagePackage(pkg, arch string) bool {
	if !strings.HasPrefix(pkg, "linux-image-") || pkg == "linux-image-"+arch {
		return false
	}
	if strings.Contains(pkg, "-cloud-") || strings.Contains(pkg, "-rt-") {
		return false
	}
	return strings.HasSuffix(pkg, "-"+arch) || strings.HasSuffix(pkg, "-"+arch+"-unsigned")
}

// compareVersions orders version strings naturally: runs of digits compare
// as numbers, everything else byte by byte. It is close enough to Debian
// ordering for kernel package versions.
func compareVersions(a, b string) int {
	for a != "" && b != "" {
		ra, restA := versionRun(a)
		rb, restB := versionRun(b)
		if isDigit(ra[0]) && isDigit(rb[0]) {
			na, nb := strings.TrimLeft(ra, "0"), strings.TrimLeft(rb, "0")
			if c := len(na) - len(nb); c != 0 {
				return sign(c)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
		} else if c := strings.Compare(ra, rb); c != 0 {
			return c
		}
		a, b = restA, restB
	}
	return sign(len(a) - len(b))
}

// versionRun splits off the leading run of digits or non-digits.
func versionRun(s string) (run, rest string) {
	digit := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digit {
		i++
	}
	return s[:i], s[i:]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
