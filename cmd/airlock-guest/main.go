//go:build linux

// Command airlock-guest is the guest agent: PID 1 inside every airlock
// sandbox VM. It sets up the VM, mounts the shares, finds the agent channel
// and serves the host's requests until the host hangs up or asks it to
// shut down; then it powers the VM off.
//
// It imports only the guest packages, the standard library and
// golang.org/x/sys (a dependency test enforces this).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/airlock-dev/airlock/vm/guest"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// The console is the VM's serial port; the host keeps a bounded log.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "airlock-guest: runs only as PID 1 inside an airlock VM")
		os.Exit(2)
	}
	err := run(log)
	log.Info("agent exiting", "err", err)
	guest.PowerOff()
}

func run(log *slog.Logger) error {
	guest.StartReaper()
	start := time.Now()
	if err := guest.SetupSystem(log); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	setup := time.Since(start)
	line, err := guest.Cmdline()
	if err != nil {
		return err
	}
	guest.ReopenConsole(line)
	boot, err := guestproto.ParseCmdline(line)
	if err != nil {
		return err
	}
	mounts := guest.MountShares(boot.Shares, log)
	ctx := context.Background()
	conn, err := guest.OpenChannel(ctx, boot.Channel, 10*time.Second)
	if err != nil {
		return err
	}
	log.Info("agent up", "uptime", guest.Uptime().Round(time.Millisecond), "setup", setup.Round(time.Millisecond), "total", time.Since(start).Round(time.Millisecond))
	return guest.Serve(ctx, conn, guest.Config{
		Token:        boot.Token,
		AgentVersion: version,
		Kernel:       guest.KernelRelease(),
		Mounts:       mounts,
		SelfTest:     boot.SelfTest,
		Uptime:       guest.Uptime,
		Logger:       log,
	})
}
