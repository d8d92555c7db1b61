// Command airlock runs AI agents' file and web tools inside a fresh
// virtual machine per session.
//
// Subcommands:
//
//	airlock serve --mount PATH[:ro|:rw]... [--http ADDR]
//	airlock image build [--arch A] [--kernel-deb FILE] [--agent FILE]
//	airlock image info [--arch A]
//	airlock doctor [--boot]
//	airlock demo
//
// stdout belongs to the MCP stdio transport when serving; every log line
// goes to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lmittmann/tint"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: airlock <command> [flags]

commands:
  serve         run the MCP server (stdio, or --http ADDR) with --mount PATH[:ro|:rw]...
  policy show   print the effective approval policy
  classify      scan text for prompt injection: classify [--kind K] [FILE] | --jsonl | eval FILE.jsonl
  audit list    list recorded sessions (also: audit show SESSION [--follow], audit verify SESSION)
  rollback      undo a session's changes: rollback SESSION [--to SEQ] [--dry-run] [--force]
  image build   build (or confirm up to date) the guest image
  image info    print the current guest image's manifest
  doctor        check QEMU, the accelerator, vsock and the image (--boot boots one VM)
  demo          boot a VM on a sample folder and exercise it end to end
  version       print the version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "airlock: %v\n\n%s", err, usage)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "airlock: %v\n", err)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	log := newLogger(stderr, slog.LevelInfo)
	switch args[0] {
	case "image":
		if len(args) < 2 {
			return usageError{"image: want build or info"}
		}
		switch args[1] {
		case "build":
			return cmdImageBuild(ctx, args[2:], stdout, stderr, log)
		case "info":
			return cmdImageInfo(args[2:], stdout)
		}
		return usageError{"image: unknown subcommand " + args[1]}
	case "serve":
		return cmdServe(ctx, args[1:], os.Stdin, stdout, stderr, log)
	case "classify":
		return cmdClassify(args[1:], os.Stdin, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, args[1:], stdout, stderr)
	case "rollback":
		return cmdRollback(args[1:], stdout, stderr)
	case "policy":
		return cmdPolicy(args[1:], stdout, stderr)
	case "doctor":
		return cmdDoctor(ctx, args[1:], stdout, stderr, log)
	case "demo":
		return cmdDemo(ctx, args[1:], stdout, stderr, log)
	case "version":
		fmt.Fprintln(stdout, "airlock", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{"unknown command " + args[0]}
}

// newLogger returns a tint logger on w: colour only on a terminal and
// never when NO_COLOR is set.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	_, noColor := os.LookupEnv("NO_COLOR")
	return slog.New(tint.NewTextHandler(w, &tint.Options{
		Level:      level,
		TimeFormat: time.TimeOnly,
		NoColor:    noColor || !isTerminal(w),
	}))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newFlagSet returns a flag set whose errors come back as usage errors.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}
