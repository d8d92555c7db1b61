package rootfs

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// kernelInfoName is the description file of an extracted kernel.
const kernelInfoName = "kernel.json"

// kernelModulesDir holds the needed modules inside an extracted kernel
// directory.
const kernelModulesDir = "modules"

// kernelInfo describes what was extracted from a kernel package into
// <cache>/kernels/<debsha256>-<arch>, so that images for new agents can be
// built without decompressing the package again.
type kernelInfo struct {
	BuilderVersion int            `json:"builder_version"`
	Arch           string         `json:"arch"`
	Package        string         `json:"package"`
	PackageVersion string         `json:"package_version"`
	KernelVersion  string         `json:"kernel_version"`
	DebSHA256      string         `json:"deb_sha256"`
	KernelFile     string         `json:"kernel_file"`
	KernelSHA256   string         `json:"kernel_sha256"`
	Modules        []cachedModule `json:"modules"` // in load order
	Builtin        []string       `json:"builtin"`
}

// cachedModule is one extracted module.
type cachedModule struct {
	Name   string `json:"name"` // normalised module name
	File   string `json:"file"` // file name in modules/ and in the initramfs
	SHA256 string `json:"sha256"`
}

// kernelDir returns the extraction directory of a package.
func kernelDir(cacheDir, debSum, arch string) string {
	return filepath.Join(cacheDir, "kernels", debSum+"-"+arch)
}

// loadKernel reads and verifies an extracted kernel directory: the recipe
// version must match and every file must still have its recorded hash.
func loadKernel(dir, arch, debSum string) (kernelInfo, error) {
	var k kernelInfo
	data, err := os.ReadFile(filepath.Join(dir, kernelInfoName))
	if err != nil {
		return k, err
	}
	if err := json.Unmarshal(data, &k); err != nil {
		return k, fmt.Errorf("parse %s: %w", kernelInfoName, err)
	}
	if k.BuilderVersion != BuilderVersion || k.Arch != arch || k.DebSHA256 != debSum || k.KernelFile != kernelFileName(arch) {
		return k, fmt.Errorf("%s is from another recipe or package", kernelInfoName)
	}
	files := map[string]string{k.KernelFile: k.KernelSHA256}
	for _, m := range k.Modules {
		if m.File != filepath.Base(m.File) || !strings.HasSuffix(m.File, ".ko") {
			return k, fmt.Errorf("bad module file name %q", m.File)
		}
		files[filepath.Join(kernelModulesDir, m.File)] = m.SHA256
	}
	for name, want := range files {
		got, _, err := hashFile(filepath.Join(dir, name))
		if err != nil {
			return k, err
		}
		if got != want {
			return k, fmt.Errorf("%s does not match its recorded hash", name)
		}
	}
	return k, nil
}

// kernel returns the extracted kernel of src, extracting it from the
// package first when the cache lacks a valid copy.
func (b *builder) kernel(ctx context.Context, src kernelSource) (kernelInfo, string, error) {
	dir := kernelDir(b.o.CacheDir, src.debSum, b.o.Arch)
	k, err := loadKernel(dir, b.o.Arch, src.debSum)
	if err == nil {
		b.log.Debug("using extracted kernel", "dir", dir)
		return k, dir, nil
	}
	if src.path == "" {
		return k, "", fmt.Errorf("the current image's kernel in %s is unusable (%v) and there is no kernel package to extract it again: pass --kernel-deb", dir, err)
	}
	if !errors.Is(err, os.ErrNotExist) {
		b.log.Warn("discarding extracted kernel", "dir", dir, "err", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return k, "", fmt.Errorf("remove %s: %w", dir, err)
	}
	k, err = b.extractKernel(ctx, src.path, src.debSum, src.size, dir)
	return k, dir, err
}

// extractKernel decompresses the package once: it writes the bootable
// kernel and the modules the guest needs to dir, assembled in a temporary
// directory and renamed into place.
func (b *builder) extractKernel(ctx context.Context, debPath, debSum string, debSize int64, dir string) (k kernelInfo, err error) {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		return k, fmt.Errorf("create temporary kernel directory: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed into place
	spoolPath := filepath.Join(tmp, "spool")
	spool, err := os.Create(spoolPath)
	if err != nil {
		return k, fmt.Errorf("create spool file: %w", err)
	}
	defer spool.Close()
	machine := elfMachine(b.o.Arch)
	kernelPath := filepath.Join(tmp, kernelFileName(b.o.Arch))

	// The kernel comes early in the archive; decompress it while the
	// modules are being read.
	type kernelResult struct {
		sum  string
		size int64
		err  error
	}
	var kernelDone chan kernelResult
	onKernel := func(_ string, vmlinuz []byte) {
		kernelDone = make(chan kernelResult, 1)
		go func() {
			sum, size, err := writeKernel(b.o.Arch, vmlinuz, kernelPath)
			kernelDone <- kernelResult{sum, size, err}
		}()
	}

	b.p.printf("reading %s (%s)", debDisplayName(debPath), formatSize(debSize))
	var contents *packageContents
	spoolBuf := bufio.NewWriterSize(spool, 1<<20)
	info, err := readDeb(ctx, debPath, b.log, func(tr *tar.Reader) error {
		c, err := scanData(ctx, tr, spoolBuf, machine, onKernel, b.log)
		contents = c
		return err
	})
	var kr kernelResult
	if kernelDone != nil {
		kr = <-kernelDone // always wait: the goroutine writes into tmp
	}
	if err != nil {
		return k, err
	}
	if err := spoolBuf.Flush(); err != nil {
		return k, fmt.Errorf("write spool file: %w", err)
	}
	if info.Architecture != b.o.Arch {
		return k, fmt.Errorf("%s is a package for %s, not %s", debPath, info.Architecture, b.o.Arch)
	}
	if kernelDone == nil {
		return k, fmt.Errorf("%s has no boot/vmlinuz-* kernel", debPath)
	}
	if kr.err != nil {
		return k, fmt.Errorf("%s: %w", debDisplayName(debPath), kr.err)
	}
	b.p.printf("extracted %s (%s)", kernelFileName(b.o.Arch), formatSize(kr.size))
	k = kernelInfo{
		BuilderVersion: BuilderVersion,
		Arch:           b.o.Arch,
		Package:        info.Package,
		PackageVersion: info.Version,
		KernelVersion:  contents.KernelVersion,
		DebSHA256:      debSum,
		KernelFile:     kernelFileName(b.o.Arch),
		KernelSHA256:   kr.sum,
	}

	order, builtin, err := contents.graph(k.KernelVersion).closure(rootModules(b.o.Arch))
	if err != nil {
		return k, fmt.Errorf("%s (kernel %s): %w", info.Package, k.KernelVersion, err)
	}
	k.Builtin = builtin
	if k.Modules, err = keepModules(contents, k.KernelVersion, order, spool, filepath.Join(tmp, kernelModulesDir)); err != nil {
		return k, err
	}
	b.p.printf("%d modules", len(k.Modules))
	b.log.Debug("module closure", "order", order, "builtin", builtin)
	spool.Close()
	if err := os.Remove(spoolPath); err != nil {
		return k, fmt.Errorf("remove spool file: %w", err)
	}

	data, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return k, fmt.Errorf("encode %s: %w", kernelInfoName, err)
	}
	if err := writeBytesAtomic(filepath.Join(tmp, kernelInfoName), 0o644, append(data, '\n')); err != nil {
		return k, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return k, fmt.Errorf("move extracted kernel into place: %w", err)
	}
	return k, syncDir(filepath.Dir(dir))
}

// writeKernel converts the package's vmlinuz into the file the hypervisor
// boots, checks it, syncs it and returns its hex SHA-256 and size.
func writeKernel(arch string, vmlinuz []byte, dst string) (sum string, size int64, err error) {
	f, err := os.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", 0, fmt.Errorf("create %s: %w", dst, err)
	}
	defer f.Close()
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	if arch == ArchARM64 {
		size, err = extractARM64Image(vmlinuz, w)
	} else {
		size, err = extractVmlinux(vmlinuz, w)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil && arch == ArchAMD64 {
		err = checkPVH(f)
	}
	if err != nil {
		return "", 0, err
	}
	if err := f.Sync(); err != nil {
		return "", 0, fmt.Errorf("sync %s: %w", dst, err)
	}
	if err := f.Close(); err != nil {
		return "", 0, fmt.Errorf("close %s: %w", dst, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// keepModules copies the modules in order out of the spool file into dir,
// syncs them and records their hashes.
func keepModules(c *packageContents, version string, order []string, spool io.ReaderAt, dir string) ([]cachedModule, error) {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create modules directory: %w", err)
	}
	mods := make([]cachedModule, 0, len(order))
	files := map[string]bool{}
	for _, name := range order {
		m, ok := c.module(version, name)
		if !ok {
			return nil, fmt.Errorf("module %s missing from spool", name)
		}
		if files[m.File] {
			return nil, fmt.Errorf("two needed modules share the file name %s", m.File)
		}
		files[m.File] = true
		dst := filepath.Join(dir, m.File)
		sum, err := writeSpooled(dst, io.NewSectionReader(spool, m.Offset, m.Size))
		if err != nil {
			return nil, err
		}
		mods = append(mods, cachedModule{Name: name, File: m.File, SHA256: sum})
	}
	return mods, syncDir(dir)
}

// writeSpooled writes r to a new file at dst, synced, and returns the hex
// SHA-256 of the content.
func writeSpooled(dst string, r io.Reader) (string, error) {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("create %s: %w", dst, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(f, h), r); err != nil {
		return "", fmt.Errorf("write %s: %w", dst, err)
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("sync %s: %w", dst, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("close %s: %w", dst, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// debDisplayName returns the package name part of a .deb file name
// ("linux-image-6.1.0-50-amd64" for linux-image-6.1.0-50-amd64_6.1.176-1_amd64.deb).
func debDisplayName(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), ".deb")
	name, _, _ := strings.Cut(base, "_")
	return name
}
