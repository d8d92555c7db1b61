// Command darwincheck type-checks this module's packages for darwin/arm64
// (or another target) on a host that cannot build them, such as Linux for
// the cgo-based vz backend. It prints each error as file:line:col: message
// and exits 1 if there was any, 2 if the check could not run.
//
// Usage:
//
//	darwincheck [-goos darwin] [-goarch arm64] [-tests=true] [-v] [packages]
//
// Packages default to ./... (run it from the module root). See package
// internal/darwincheck for what is and is not checked.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/airlock-dev/airlock/internal/darwincheck"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("darwincheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	goos := fs.String("goos", "darwin", "target GOOS")
	goarch := fs.String("goarch", "arm64", "target GOARCH")
	tests := fs.Bool("tests", true, "also check _test.go files")
	verbose := fs.Bool("v", false, "list the packages checked and skipped, and count dependency errors")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: darwincheck [flags] [packages]\n\nType-checks packages for another GOOS/GOARCH with cgo faked. Flags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	start := time.Now()
	res, err := darwincheck.Check(ctx, darwincheck.Options{
		Patterns: fs.Args(),
		GOOS:     *goos,
		GOARCH:   *goarch,
		Tests:    *tests,
	})
	if err != nil {
		fmt.Fprintln(stderr, "darwincheck:", err)
		return 2
	}
	cwd, _ := os.Getwd()
	for _, d := range res.Diagnostics {
		d.Pos.Filename = relative(cwd, d.Pos.Filename)
		fmt.Fprintln(stderr, d)
	}
	if *verbose {
		for _, p := range res.Checked {
			fmt.Fprintln(stdout, "checked", p)
		}
		for _, s := range res.Skipped {
			fmt.Fprintf(stdout, "skipped %s: %s\n", s.Package, s.Reason)
		}
		fmt.Fprintf(stdout, "dependencies: %d packages checked for their API, %d errors ignored\n", res.Dependencies, len(res.DependencyErrors))
	}
	fmt.Fprintf(stderr, "darwincheck: %s: %d packages checked, %d skipped, %d errors (%v)\n",
		res.Target, len(res.Checked), len(res.Skipped), len(res.Diagnostics), time.Since(start).Round(time.Millisecond))
	if !res.OK() {
		return 1
	}
	return 0
}

// relative shortens name to a path relative to dir when it is inside it.
func relative(dir, name string) string {
	if dir == "" || name == "" {
		return name
	}
	rel, err := filepath.Rel(dir, name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return name
	}
	return rel
}
