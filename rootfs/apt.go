package rootfs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// commandRunner runs a program in dir and returns its standard output; its
// error includes the program's standard error.
type commandRunner func(ctx context.Context, dir, name string, args ...string) ([]byte, error)

// runCommand is the commandRunner used outside tests.
func runCommand(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return out, fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, msg)
		}
		return out, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return out, nil
}

// errAptUnknown marks apt's "no such package" answers.
var errAptUnknown = errors.New("package unknown to apt")

// downloadKernelDeb resolves the kernel metapackage for the target
// architecture with apt-cache and fetches the kernel package it depends on
// with apt-get download into the cache. It never changes the host's apt
// configuration.
func (b *builder) downloadKernelDeb(ctx context.Context) (string, error) {
	arch := b.o.Arch
	qualifier := ""
	if host := b.hostArch(ctx); host != arch {
		qualifier = ":" + arch
	}
	meta := "linux-image-" + arch + qualifier
	out, err := b.apt(ctx, "", "apt-cache", "depends", meta)
	if err != nil {
		return "", b.aptError(meta, err)
	}
	pkg := pickKernelDepends(out)
	if pkg == "" {
		return "", fmt.Errorf("apt-cache depends %s names no linux-image package; pass --kernel-deb", meta)
	}
	pkg += qualifier

	dir := debsDir(b.o.CacheDir)
	tmp, err := os.MkdirTemp(dir, ".download-")
	if err != nil {
		return "", fmt.Errorf("create download directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	b.p.printf("downloading %s", pkg)
	if _, err := b.apt(ctx, tmp, "apt-get", "download", pkg); err != nil {
		return "", b.aptError(pkg, err)
	}
	debs, err := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if err != nil || len(debs) != 1 {
		return "", fmt.Errorf("apt-get download %s left %d packages, want 1", pkg, len(debs))
	}
	dst := filepath.Join(dir, filepath.Base(debs[0]))
	if err := os.Rename(debs[0], dst); err != nil {
		return "", fmt.Errorf("move downloaded package: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return "", err
	}
	b.log.Info("downloaded kernel package", "path", dst)
	return dst, nil
}

// apt runs an apt tool, classifying "unknown package" answers.
func (b *builder) apt(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
	out, err := b.run(ctx, dir, name, args...)
	if err == nil {
		return out, nil
	}
	if errors.Is(err, exec.ErrNotFound) {
		return nil, fmt.Errorf("%s is not available (%w); pass --kernel-deb with a linux-image-*-%s .deb", name, err, b.o.Arch)
	}
	msg := err.Error()
	for _, s := range []string{"No packages found", "Unable to locate package", "Couldn't find any package"} {
		if strings.Contains(msg, s) {
			return nil, fmt.Errorf("%w: %w", errAptUnknown, err)
		}
	}
	return nil, err
}

// aptError explains an apt failure for pkg, with the remedy for a foreign
// architecture apt has not been told about.
func (b *builder) aptError(pkg string, err error) error {
	if !errors.Is(err, errAptUnknown) {
		return fmt.Errorf("obtain kernel package %s: %w", pkg, err)
	}
	if strings.Contains(pkg, ":") {
		return fmt.Errorf("apt does not know %s: enable the architecture with `dpkg --add-architecture %s && apt-get update` (as root), or pass --kernel-deb: %w",
			pkg, b.o.Arch, err)
	}
	return fmt.Errorf("apt does not know %s: run `apt-get update`, or pass --kernel-deb: %w", pkg, err)
}

// hostArch returns the host's Debian architecture, from dpkg when
// available and else from the Go runtime.
func (b *builder) hostArch(ctx context.Context) string {
	out, err := b.run(ctx, "", "dpkg", "--print-architecture")
	if arch := strings.TrimSpace(string(out)); err == nil && arch != "" {
		return arch
	}
	return runtime.GOARCH
}

// pickKernelDepends returns the first versioned linux-image dependency in
// apt-cache depends output, skipping cloud and real-time flavours.
func pickKernelDepends(out []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "|")
		dep, ok := strings.CutPrefix(line, "Depends:")
		if !ok {
			continue
		}
		dep = strings.TrimSpace(dep)
		dep, _, _ = strings.Cut(dep, ":") // drop an architecture qualifier
		if strings.HasPrefix(dep, "<") || !strings.HasPrefix(dep, "linux-image-") {
			continue
		}
		if strings.Contains(dep, "-cloud-") || strings.Contains(dep, "-rt-") {
			continue
		}
		return dep
	}
	return ""
}
