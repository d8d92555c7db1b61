package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/airlock-dev/airlock/rootfs"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/qemu"
)

func cmdDoctor(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := newFlagSet("doctor", stderr)
	boot := fs.Bool("boot", false, "boot one VM, do the handshake, shut it down, and print boot-to-ready")
	n := fs.Int("n", 1, "with --boot: how many boots (prints min/median/max)")
	mem := fs.Int("memory", 0, "with --boot: guest memory in MiB (default 256)")
	tb := fs.Int("tb-size", 0, "with --boot: TCG translation cache in MiB (default: QEMU's)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	backend, err := newBackend(log)
	if err != nil {
		return err
	}
	b, isQEMU := backend.(*qemu.Backend)
	if !isQEMU {
		b = &qemu.Backend{}
	}
	problems := 0
	report := func(key, format string, a ...any) {
		fmt.Fprintf(stdout, "%-13s %s\n", key+":", fmt.Sprintf(format, a...))
	}

	report("backend", "%s", backend.Name())
	if !isQEMU {
		// Nothing QEMU-specific to report.
	} else if p, err := exec.LookPath("qemu-system-x86_64"); err != nil {
		report("qemu", "MISSING (apt-get install qemu-system-x86)")
		problems++
	} else if v, err := b.Version(ctx); err != nil {
		report("qemu", "%s: %v", p, err)
		problems++
	} else {
		report("qemu", "%s (%s)", p, v)
	}
	if isQEMU {
		if accel, why, err := b.Accelerator(ctx); err == nil {
			report("accelerator", "%s (%s)", accel, why)
		}
		if ok, why := qemu.VsockAvailable(); ok {
			report("vsock", "available (/dev/vhost-vsock)")
		} else {
			report("vsock", "not available: %s", why)
		}
	}
	cache, err := rootfs.DefaultCacheDir()
	if err != nil {
		return err
	}
	img, err := rootfs.Current(cache, runtime.GOARCH)
	if err != nil {
		report("image", "none yet (%v): `airlock image build` builds it (doctor --boot does too)", err)
	} else {
		m := img.Manifest
		report("image", "%s kernel %s, agent %s, %d modules, built %s", m.ID[:12], m.KernelVersion, m.AgentVersion, len(m.Modules), m.Created.Format(time.DateTime))
		report("image dir", "%s", img.Dir)
	}
	if os.Geteuid() == 0 {
		report("note", "running as root: QEMU applies guest chmods in read-write shares as root; prefer an ordinary user")
	}
	if !*boot {
		if problems > 0 {
			return fmt.Errorf("%d problem(s) found", problems)
		}
		return nil
	}

	if cfg := (vm.Config{MemoryMiB: *mem}); cfg.Validate() != nil {
		return usageError{fmt.Sprintf("--memory %d: out of range", *mem)}
	}
	if img.Dir == "" || err != nil {
		if img, err = ensureImage(ctx, stderr, log); err != nil {
			return err
		}
	}
	b.TBSizeMiB = *tb
	cfg := vm.Config{Image: vm.Image{Kernel: img.Kernel, Initrd: img.Initrd, ID: img.Manifest.ID}, MemoryMiB: *mem, Logger: log}
	if err := cfg.Validate(); err != nil {
		return err
	}
	var times []time.Duration
	for i := 0; i < max(1, *n); i++ {
		start := time.Now()
		m, err := backend.Start(ctx, cfg)
		if err != nil {
			return fmt.Errorf("boot: %w", err)
		}
		ready := time.Since(start)
		rtt, err := m.Agent().Ping(ctx)
		if err != nil {
			m.Stop(ctx)
			return fmt.Errorf("ping: %w", err)
		}
		h := m.Agent().Hello()
		report("boot", "#%d %s: ready in %d ms (guest kernel+init %d ms), agent %s, ping %v", i+1, qemu.Accel(m), ready.Milliseconds(), h.BootMillis, h.AgentVersion, rtt.Round(time.Microsecond))
		if i == 0 {
			// Host memory of an idle VM: QEMU's resident set once the
			// guest has settled.
			time.Sleep(2 * time.Second)
			if rss, err := processRSS(qemu.PID(m)); err == nil {
				report("idle rss", "%d MiB (QEMU pid %d, guest memory %d MiB)", rss>>20, qemu.PID(m), cfg.MemoryMiB)
			}
		}
		stopStart := time.Now()
		if err := m.Stop(ctx); err != nil {
			return fmt.Errorf("stop: %w", err)
		}
		report("stop", "%d ms", time.Since(stopStart).Milliseconds())
		times = append(times, ready)
	}
	slices.Sort(times)
	if len(times) > 1 {
		report("boot stats", "n=%d min %d ms, median %d ms, max %d ms", len(times), times[0].Milliseconds(), times[len(times)/2].Milliseconds(), times[len(times)-1].Milliseconds())
	}
	fmt.Fprintf(stdout, "boot-to-ready: %d ms\n", times[len(times)/2].Milliseconds())
	return nil
}

// processRSS reads a process's resident set size from /proc.
func processRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}
