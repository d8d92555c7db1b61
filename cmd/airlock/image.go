package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/airlock-dev/airlock/rootfs"
)

func cmdImageBuild(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := newFlagSet("image build", stderr)
	arch := fs.String("arch", runtime.GOARCH, "guest architecture: amd64 or arm64")
	deb := fs.String("kernel-deb", "", "Debian linux-image .deb to use instead of downloading one")
	agent := fs.String("agent", "", "guest agent binary (default: airlock-guest-linux-ARCH next to this program, or built from source)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	img, built, err := buildImage(ctx, *arch, *deb, *agent, stderr, log)
	if err != nil {
		return err
	}
	if built {
		fmt.Fprintf(stderr, "built image %s\n", img.Manifest.ID)
	} else {
		fmt.Fprintf(stderr, "image %s is up to date\n", img.Manifest.ID)
	}
	fmt.Fprintln(stdout, img.Dir)
	return nil
}

// buildImage builds the guest image, or confirms it is up to date.
func buildImage(ctx context.Context, arch, deb, agent string, stderr io.Writer, log *slog.Logger) (rootfs.Image, bool, error) {
	if arch != "amd64" && arch != "arm64" {
		return rootfs.Image{}, false, usageError{fmt.Sprintf("--arch %q: want amd64 or arm64", arch)}
	}
	agentPath, err := findAgent(ctx, arch, agent, log)
	if err != nil {
		return rootfs.Image{}, false, err
	}
	var progress io.Writer
	if isTerminal(stderr) {
		progress = stderr
	}
	return rootfs.Build(ctx, rootfs.BuildOptions{
		Arch:         arch,
		KernelDeb:    deb,
		Agent:        agentPath,
		AgentVersion: version,
		Progress:     progress,
		Logger:       log,
	})
}

// ensureImage returns an up-to-date image for the host architecture,
// building it on first use.
//
// $AIRLOCK_IMAGE names a prebuilt image directory to use instead, such as
// one built on another machine; it is checked as `airlock image info`
// checks it, and must be for the host architecture.
func ensureImage(ctx context.Context, stderr io.Writer, log *slog.Logger) (rootfs.Image, error) {
	if dir := os.Getenv("AIRLOCK_IMAGE"); dir != "" {
		img, err := rootfs.Open(dir)
		if err == nil {
			_, err = checkImage(img, runtime.GOARCH)
		}
		if err != nil {
			return img, fmt.Errorf("AIRLOCK_IMAGE: %w", err)
		}
		return img, nil
	}
	img, built, err := buildImage(ctx, runtime.GOARCH, "", "", stderr, log)
	if err != nil {
		return img, fmt.Errorf("guest image: %w", err)
	}
	if built {
		log.Info("guest image ready", "dir", img.Dir)
	}
	return img, nil
}

// findAgent locates the guest agent binary: the flag, else
// airlock-guest-linux-ARCH beside this executable, else a build from the
// source tree this binary was built from (go must be installed).
func findAgent(ctx context.Context, arch, flagPath string, log *slog.Logger) (string, error) {
	if flagPath != "" {
		return flagPath, nil
	}
	name := "airlock-guest-linux-" + arch
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("no guest agent: %s is not beside this program and go is not installed to build it (use --agent FILE)", name)
	}
	cache, err := rootfs.DefaultCacheDir()
	if err != nil {
		return "", err
	}
	out := filepath.Join(cache, "agent", name)
	log.Info("building the guest agent from source", "arch", arch)
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version,
		"-o", out, "github.com/airlock-dev/airlock/cmd/airlock-guest")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build guest agent (run inside the airlock source tree, or pass --agent): %v: %s", err, b)
	}
	return out, nil
}

// checkImage verifies img (see rootfs.Verify); it must be for arch when
// arch is not empty.
func checkImage(img rootfs.Image, arch string) (rootfs.Contents, error) {
	if arch != "" && img.Manifest.Arch != arch {
		return rootfs.Contents{}, fmt.Errorf("image %s is for %s, not %s (airlock image build --arch %s)", img.Dir, img.Manifest.Arch, arch, arch)
	}
	return rootfs.Verify(img)
}

func cmdImageInfo(args []string, stdout io.Writer) error {
	fs := newFlagSet("image info", os.Stderr)
	arch := fs.String("arch", runtime.GOARCH, "guest architecture")
	dir := fs.String("dir", "", "image directory to check instead of the current image of --arch (for example one copied from another machine)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	var (
		img rootfs.Image
		err error
	)
	wantArch := *arch
	if *dir != "" {
		wantArch = ""
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "arch" {
				wantArch = *arch
			}
		})
		img, err = rootfs.Open(*dir)
	} else {
		var cache string
		if cache, err = rootfs.DefaultCacheDir(); err != nil {
			return err
		}
		img, err = rootfs.Current(cache, *arch)
		if errors.Is(err, rootfs.ErrNoImage) {
			return fmt.Errorf("no %s image yet: run `airlock image build --arch %s`", *arch, *arch)
		}
	}
	if err != nil {
		return err
	}
	contents, err := checkImage(img, wantArch)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Dir      string          `json:"dir"`
		Kernel   string          `json:"kernel"`
		Initrd   string          `json:"initrd"`
		Verified rootfs.Contents `json:"verified"`
		rootfs.Manifest
	}{img.Dir, img.Kernel, img.Initrd, contents, img.Manifest})
}
