package darwincheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// listedPackage is one package as `go list -json` describes it for the
// target platform. For test variants, ImportPath carries the go command's
// suffix: "p [p.test]" for p with its _test.go files, "p_test [p.test]"
// for the external test package.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string // selected for the target, relative to Dir
	CgoFiles   []string // files that import "C", relative to Dir
	ImportMap  map[string]string
	Module     *struct {
		Path      string
		Main      bool
		GoVersion string
	}
	ForTest string
	Error   *struct {
		Pos string
		Err string
	}
}

// path is the package path without the go command's test-variant suffix.
func (p *listedPackage) path() string {
	path, _, _ := strings.Cut(p.ImportPath, " ")
	return path
}

// inMainModule reports whether p belongs to the module being checked.
func (p *listedPackage) inMainModule() bool { return p.Module != nil && p.Module.Main }

// files returns the absolute paths of p's Go files, cgo files included.
func (p *listedPackage) files() []string {
	out := make([]string, 0, len(p.GoFiles)+len(p.CgoFiles))
	for _, names := range [][]string{p.GoFiles, p.CgoFiles} {
		for _, n := range names {
			if !filepath.IsAbs(n) {
				n = filepath.Join(p.Dir, n)
			}
			out = append(out, n)
		}
	}
	return out
}

// isTestMain reports whether p is a generated test main package
// ("p.test"), which has no source of its own to check.
func (p *listedPackage) isTestMain() bool {
	return p.ForTest == "" && p.Name == "main" && strings.HasSuffix(p.ImportPath, ".test")
}

// listFields are the `go list -json` fields the checker reads.
const listFields = "ImportPath,Name,Dir,GoFiles,CgoFiles,ImportMap,Module,ForTest,Error"

// goList runs `go list -e -deps` for the target platform, with cgo
// enabled, and returns every package of the dependency graph in
// dependency order. With tests, the graph includes test variants and
// their dependencies.
func goList(ctx context.Context, opts Options, overlayFile string) ([]*listedPackage, error) {
	args := []string{"list", "-e", "-deps", "-json=" + listFields}
	if opts.Tests {
		args = append(args, "-test")
	}
	if overlayFile != "" {
		args = append(args, "-overlay", overlayFile)
	}
	args = append(args, "--")
	args = append(args, opts.Patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = opts.Dir
	cmd.Env = append(os.Environ(), "GOOS="+opts.GOOS, "GOARCH="+opts.GOARCH, "CGO_ENABLED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list for %s/%s: %w: %s", opts.GOOS, opts.GOARCH, err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("decode go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// writeOverlay writes overlay contents to dir and returns the path of a
// `go list -overlay` file that maps each real path to its content.
func writeOverlay(dir string, overlay map[string][]byte) (string, error) {
	replace := make(map[string]string, len(overlay))
	i := 0
	for path, content := range overlay {
		if !filepath.IsAbs(path) {
			return "", fmt.Errorf("overlay path %q is not absolute", path)
		}
		i++
		f := filepath.Join(dir, fmt.Sprintf("%d-%s", i, filepath.Base(path)))
		if err := os.WriteFile(f, content, 0o600); err != nil {
			return "", err
		}
		replace[path] = f
	}
	b, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return "", err
	}
	f := filepath.Join(dir, "overlay.json")
	return f, os.WriteFile(f, b, 0o600)
}
