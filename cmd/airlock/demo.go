package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// sampleFiles is the demo's embedded default folder.
var sampleFiles = map[string]string{
	"README.md":         "# Sample project\n\nA folder airlock's demo mounts into a fresh VM.\n",
	"notes/meeting.txt": "Decisions: ship the VM spine first; approvals next.\n",
	"data/numbers.csv":  "n,square\n1,1\n2,4\n3,9\n",
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := newFlagSet("demo", stderr)
	keep := fs.Bool("keep", false, "keep the sample folder afterwards")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	step := func(format string, a ...any) { fmt.Fprintf(stdout, "==> "+format+"\n", a...) }

	base, err := os.MkdirTemp("", "airlock-demo-")
	if err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(base)
	}
	sample, out := filepath.Join(base, "sample"), filepath.Join(base, "output")
	for name, content := range sampleFiles {
		p := filepath.Join(sample, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		return err
	}
	step("sample folder %s (read-only) and output folder %s (read-write)", sample, out)

	img, err := ensureImage(ctx, stderr, log)
	if err != nil {
		return err
	}
	b, err := newBackend(log)
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := b.Start(ctx, vm.Config{
		Image:  vm.Image{Kernel: img.Kernel, Initrd: img.Initrd, ID: img.Manifest.ID},
		Shares: []vm.Share{{Name: "sample", HostPath: sample, ReadOnly: true}, {Name: "output", HostPath: out}},
		Logger: log,
	})
	if err != nil {
		return fmt.Errorf("boot: %w", err)
	}
	defer m.Stop(context.Background())
	h := m.Agent().Hello()
	step("VM %s ready in %d ms (kernel %s, agent %s)", m.ID(), time.Since(start).Milliseconds(), h.Kernel, h.AgentVersion)

	a := m.Agent()
	var buf bytes.Buffer
	if _, err := a.ReadFile(ctx, guestproto.ReadArgs{PathArgs: guestproto.PathArgs{Mount: "sample", Path: "README.md"}, Limit: 1 << 20}, &buf); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	step("read sample/README.md inside the VM (%d bytes): %q", buf.Len(), firstLine(buf.String()))

	report := "summary: " + firstLine(buf.String()) + "\n"
	if _, err := a.WriteFile(ctx, guestproto.WriteArgs{PathArgs: guestproto.PathArgs{Mount: "output", Path: "summary.txt"}}, strings.NewReader(report)); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	got, err := os.ReadFile(filepath.Join(out, "summary.txt"))
	if err != nil || string(got) != report {
		return fmt.Errorf("host does not see the write: %q, %v", got, err)
	}
	step("wrote output/summary.txt inside the VM; the host sees %d bytes", len(got))

	_, err = a.WriteFile(ctx, guestproto.WriteArgs{PathArgs: guestproto.PathArgs{Mount: "sample", Path: "README.md"}}, strings.NewReader("overwritten"))
	if !errors.Is(err, guestproto.ErrReadOnly) {
		return fmt.Errorf("write to the read-only share: got %v, want a read-only error", err)
	}
	step("write to the read-only sample folder refused: %v", err)

	var fi guestproto.FileInfo
	err = a.Call(ctx, guestproto.OpStat, guestproto.PathArgs{Mount: "sample", Path: "../output/summary.txt"}, &fi)
	if !errors.Is(err, guestproto.ErrOutside) {
		return fmt.Errorf("path escape: got %v, want outside_mount", err)
	}
	step("path escape ../ refused: %v", err)

	stopStart := time.Now()
	if err := m.Stop(ctx); err != nil {
		return err
	}
	step("VM stopped in %d ms; nothing of it remains", time.Since(stopStart).Milliseconds())
	step("demo complete (MCP client, approvals, injection scan and audit log arrive with their issues)")
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
