package rootfs

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// builder carries the state of one Build call.
type builder struct {
	o   BuildOptions
	log *slog.Logger
	p   progress
	run commandRunner
	now func() time.Time
}

// Build produces the guest image for o.Arch from a kernel package and the
// guest agent, and makes it the current image of that architecture. When an
// image built by this recipe from the same package and agent exists and is
// intact, Build returns it with built false and does no extraction.
func Build(ctx context.Context, o BuildOptions) (img Image, built bool, err error) {
	o, err = o.withDefaults()
	if err != nil {
		return Image{}, false, err
	}
	b := &builder{o: o, log: o.Logger, p: progress{w: o.Progress}, run: runCommand, now: time.Now}
	return b.build(ctx)
}

func (b *builder) build(ctx context.Context) (Image, bool, error) {
	cache := b.o.CacheDir
	for _, dir := range []string{debsDir(cache), filepath.Join(cache, "kernels"), imagesDir(cache)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return Image{}, false, fmt.Errorf("create cache directory: %w", err)
		}
	}
	unlock, err := lockCache(ctx, filepath.Join(cache, "lock"), b.p)
	if err != nil {
		return Image{}, false, err
	}
	defer unlock()
	// Holding the lock, nothing else is writing: temporary entries are
	// leftovers of interrupted builds.
	for _, dir := range []string{debsDir(cache), filepath.Join(cache, "kernels"), imagesDir(cache)} {
		if err := removeStale(dir, ".tmp-"); err != nil {
			return Image{}, false, err
		}
	}
	if err := removeStale(debsDir(cache), ".download-"); err != nil {
		return Image{}, false, err
	}

	if info, err := os.Stat(b.o.Agent); err != nil {
		return Image{}, false, fmt.Errorf("agent: %w", err)
	} else if !info.Mode().IsRegular() || info.Size() == 0 {
		return Image{}, false, fmt.Errorf("agent %s is not a non-empty regular file", b.o.Agent)
	}
	if err := checkAgentFile(b.o.Agent, b.o.Arch); err != nil {
		return Image{}, false, err
	}
	agentSum, _, err := hashFile(b.o.Agent)
	if err != nil {
		return Image{}, false, fmt.Errorf("agent: %w", err)
	}
	src, err := b.kernelSource(ctx)
	if err != nil {
		return Image{}, false, err
	}

	if img, ok := b.existing(src.debSum, agentSum); ok {
		if err := setCurrent(cache, b.o.Arch, img.Manifest.ID); err != nil {
			return Image{}, false, err
		}
		b.p.printf("image %s is up to date", shortID(img.Manifest.ID))
		return img, false, nil
	}

	k, kdir, err := b.kernel(ctx, src)
	if err != nil {
		return Image{}, false, err
	}
	img, err := b.assemble(k, kdir, agentSum)
	if err != nil {
		return Image{}, false, err
	}
	if err := setCurrent(cache, b.o.Arch, img.Manifest.ID); err != nil {
		return Image{}, false, err
	}
	b.p.printf("image %s ready", shortID(img.Manifest.ID))
	b.log.Info("built guest image", "id", img.Manifest.ID, "arch", b.o.Arch, "kernel", k.KernelVersion, "modules", len(k.Modules))
	return img, true, nil
}

// existing returns an intact image built by this recipe from the same
// package and agent. A damaged one is removed so it gets rebuilt.
func (b *builder) existing(debSum, agentSum string) (Image, bool) {
	entries, err := os.ReadDir(imagesDir(b.o.CacheDir))
	if err != nil {
		return Image{}, false
	}
	var candidates []Image
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		img, err := readImage(filepath.Join(imagesDir(b.o.CacheDir), e.Name()))
		if err != nil {
			continue
		}
		m := img.Manifest
		if m.Arch == b.o.Arch && m.DebSHA256 == debSum && m.AgentSHA256 == agentSum &&
			m.AgentVersion == b.o.AgentVersion && m.BuilderVersion == BuilderVersion {
			candidates = append(candidates, img)
		}
	}
	slices.SortFunc(candidates, func(x, y Image) int { return y.Manifest.Created.Compare(x.Manifest.Created) })
	for _, c := range candidates {
		img, err := Open(c.Dir)
		if err == nil {
			return img, true
		}
		b.log.Warn("removing damaged image", "dir", c.Dir, "err", err)
		if err := os.RemoveAll(c.Dir); err != nil {
			b.log.Warn("remove damaged image", "dir", c.Dir, "err", err)
		}
	}
	return Image{}, false
}

// assemble writes a new image directory from an extracted kernel and the
// agent: it is built as a temporary directory and renamed into place.
func (b *builder) assemble(k kernelInfo, kdir, agentSum string) (img Image, err error) {
	images := imagesDir(b.o.CacheDir)
	tmp, err := os.MkdirTemp(images, ".tmp-")
	if err != nil {
		return Image{}, fmt.Errorf("create temporary image directory: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Image{}, fmt.Errorf("chmod image directory: %w", err)
	}
	kernelName := kernelFileName(b.o.Arch)
	if err := linkOrCopy(filepath.Join(kdir, k.KernelFile), filepath.Join(tmp, kernelName)); err != nil {
		return Image{}, err
	}
	mods := make([]shippedModule, len(k.Modules))
	names := make([]string, len(k.Modules))
	for i, m := range k.Modules {
		mods[i] = shippedModule{File: m.File, Path: filepath.Join(kdir, kernelModulesDir, m.File)}
		names[i] = strings.TrimSuffix(m.File, ".ko")
	}
	initrdSum, initrdSize, err := writeInitrdFile(filepath.Join(tmp, initrdName), b.o.Agent, mods)
	if err != nil {
		return Image{}, err
	}
	b.p.printf("wrote initramfs (%s)", formatSize(initrdSize))

	m := Manifest{
		ID:                   imageID(k.KernelSHA256, initrdSum),
		Arch:                 b.o.Arch,
		KernelPackage:        k.Package,
		KernelPackageVersion: k.PackageVersion,
		KernelVersion:        k.KernelVersion,
		DebSHA256:            k.DebSHA256,
		KernelSHA256:         k.KernelSHA256,
		InitrdSHA256:         initrdSum,
		AgentSHA256:          agentSum,
		AgentVersion:         b.o.AgentVersion,
		Modules:              names,
		Builtin:              append([]string{}, k.Builtin...),
		BuilderVersion:       BuilderVersion,
		Created:              b.now().UTC().Truncate(time.Second),
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Image{}, fmt.Errorf("encode manifest: %w", err)
	}
	if err := writeBytesAtomic(filepath.Join(tmp, manifestName), 0o644, append(data, '\n')); err != nil {
		return Image{}, err
	}

	// Check the result as a user would (airlock image info): a wrong
	// kernel or agent must never become an image.
	if _, err := verify(Image{Dir: tmp, Kernel: filepath.Join(tmp, kernelName), Initrd: filepath.Join(tmp, initrdName), Manifest: m}); err != nil {
		return Image{}, fmt.Errorf("new image fails verification: %w", err)
	}

	final := filepath.Join(images, m.ID)
	// The same kernel and initramfs may exist under another manifest (for
	// example a different agent version string); the new one replaces it.
	if err := os.RemoveAll(final); err != nil {
		return Image{}, fmt.Errorf("replace image %s: %w", m.ID, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return Image{}, fmt.Errorf("move image into place: %w", err)
	}
	if err := syncDir(images); err != nil {
		return Image{}, err
	}
	return Image{
		Dir:      final,
		Kernel:   filepath.Join(final, kernelName),
		Initrd:   filepath.Join(final, initrdName),
		Manifest: m,
	}, nil
}

// writeInitrdFile writes the initramfs to path, synced, and returns its hex
// SHA-256 and size.
func writeInitrdFile(path, agent string, mods []shippedModule) (sum string, size int64, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", 0, fmt.Errorf("create initramfs: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h)}
	bw := bufio.NewWriterSize(cw, 1<<20)
	if err := writeInitramfs(bw, agent, mods); err != nil {
		return "", 0, fmt.Errorf("write initramfs: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return "", 0, fmt.Errorf("write initramfs: %w", err)
	}
	if err := f.Sync(); err != nil {
		return "", 0, fmt.Errorf("sync initramfs: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", 0, fmt.Errorf("close initramfs: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), cw.n, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// shortID abbreviates an image ID for progress lines.
func shortID(id string) string {
	return id[:min(12, len(id))]
}
