// Package darwincheck type-checks this module's Go packages for another
// platform, darwin/arm64 by default, on a host that cannot compile them.
// Code that uses cgo against the macOS SDK (vm/vz, through
// github.com/Code-Hex/vz/v3) does not build on Linux; without this check a
// mistake in it would surface only on a Mac.
//
// # How it works
//
// One `go list -e -deps [-test]` run with GOOS, GOARCH and CGO_ENABLED=1
// set for the target describes the whole import graph: each package's
// directory, the Go files the go command selects for the target (build
// constraints and file name suffixes applied), its cgo files, and its
// import map (vendored standard library imports, test variants). Each
// package is then parsed with go/parser and checked with go/types,
// dependencies first, through an importer that resolves every import with
// the importing package's import map and returns the package checked
// before. Nothing is compiled, and no C compiler or SDK is needed. Only the
// standard library is used.
//
// # What it reports, and what it cannot
//
// Packages of the main module are checked in full, function bodies
// included, with the language version of go.mod, and every error is
// reported. Standard library and third-party packages are checked only for
// their declarations (function bodies are skipped, as a compiler importing
// them would only see their export data); their errors are collected
// separately and do not fail the check.
//
// cgo is faked: `import "C"` declares an empty package C
// (types.Config.FakeImportC), and go/types stays silent about anything
// that refers to it. That is enough for packages such as vz, whose exported
// API is made of Go types: calls from this module into vz are checked
// exactly. It also means that the checker cannot find mistakes in C calls
// or C types, nor anything the C compiler or the linker would report (a
// missing header, framework or symbol). This module has no cgo code of its
// own.
package darwincheck

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"go/version"
	"os"
	"sort"
	"strings"
)

// Options select what to check.
type Options struct {
	// Dir is the directory to run the go command in, inside the module;
	// default the current directory.
	Dir string
	// Patterns are package patterns, as for go build; default "./...".
	Patterns []string
	// GOOS and GOARCH are the target; default darwin and arm64.
	GOOS, GOARCH string
	// Tests also checks each package's _test.go files, the in-package
	// ones with the package and the external ones as their own package.
	Tests bool
	// Overlay replaces or adds files, keyed by absolute path, as the go
	// command's -overlay flag does. Tests use it to check code that is not
	// on disk.
	Overlay map[string][]byte
}

// Diagnostic is one error in a checked package.
type Diagnostic struct {
	Package string         // import path, with the test-variant suffix if any
	Pos     token.Position // invalid for errors without a position
	Msg     string
}

// String formats d as file:line:col: message.
func (d Diagnostic) String() string {
	if d.Pos.IsValid() {
		return d.Pos.String() + ": " + d.Msg
	}
	return d.Package + ": " + d.Msg
}

// Skipped is a package of the main module that has no Go files for the
// target, so there is nothing to check.
type Skipped struct {
	Package string
	Reason  string
}

// Result is the outcome of a check.
type Result struct {
	// Target is "GOOS/GOARCH".
	Target string
	// Checked lists the main-module packages checked in full (those the
	// patterns match and the ones they import), with test variants as the
	// go command names them ("p [p.test]").
	Checked []string
	// Skipped lists main-module packages with no files for the target.
	Skipped []Skipped
	// Diagnostics are the errors in checked packages, sorted by position.
	Diagnostics []Diagnostic
	// Dependencies counts the other packages checked for their API.
	Dependencies int
	// DependencyErrors are errors inside those packages; they are
	// expected where cgo is faked and do not fail the check.
	DependencyErrors []Diagnostic
}

// OK reports whether the check found no errors.
func (r *Result) OK() bool { return len(r.Diagnostics) == 0 }

// Check type-checks the packages matched by opts for the target platform.
// It returns an error only when the check could not run; type errors are
// in the Result.
func Check(ctx context.Context, opts Options) (*Result, error) {
	if opts.Dir == "" {
		opts.Dir = "."
	}
	if len(opts.Patterns) == 0 {
		opts.Patterns = []string{"./..."}
	}
	if opts.GOOS == "" {
		opts.GOOS = "darwin"
	}
	if opts.GOARCH == "" {
		opts.GOARCH = "arm64"
	}
	sizes := types.SizesFor("gc", opts.GOARCH)
	if sizes == nil {
		return nil, fmt.Errorf("unknown GOARCH %q", opts.GOARCH)
	}
	var overlayFile string
	if len(opts.Overlay) > 0 {
		tmp, err := os.MkdirTemp("", "darwincheck-overlay-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		if overlayFile, err = writeOverlay(tmp, opts.Overlay); err != nil {
			return nil, fmt.Errorf("write overlay: %w", err)
		}
	}
	listed, err := goList(ctx, opts, overlayFile)
	if err != nil {
		return nil, err
	}

	c := &checker{
		fset:     token.NewFileSet(),
		sizes:    sizes,
		overlay:  opts.Overlay,
		listed:   make(map[string]*listedPackage, len(listed)),
		done:     make(map[string]*types.Package),
		checking: make(map[string]bool),
		res:      &Result{Target: opts.GOOS + "/" + opts.GOARCH},
	}
	for _, p := range listed {
		c.listed[p.ImportPath] = p
	}
	for _, p := range listed {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !reported(p) || p.isTestMain() {
			continue
		}
		if len(p.GoFiles)+len(p.CgoFiles) == 0 {
			reason := "no Go files for " + c.res.Target
			if p.Error != nil {
				reason = p.Error.Err
			}
			c.res.Skipped = append(c.res.Skipped, Skipped{Package: p.ImportPath, Reason: reason})
			continue
		}
		if p.Error != nil {
			// The go command could not load it for the target (a missing
			// import, say); what go/types would add is noise.
			c.res.Diagnostics = append(c.res.Diagnostics, listDiagnostic(p))
			continue
		}
		if _, err := c.load(p.ImportPath); err != nil {
			c.res.Diagnostics = append(c.res.Diagnostics, Diagnostic{Package: p.ImportPath, Msg: err.Error()})
			continue
		}
		c.res.Checked = append(c.res.Checked, p.ImportPath)
	}
	c.res.Diagnostics = sortDedupe(c.res.Diagnostics)
	c.res.DependencyErrors = sortDedupe(c.res.DependencyErrors)
	return c.res, nil
}

// reported reports whether p's errors count: it is in the main module,
// named by the patterns or imported by a package that was. An error in a
// main-module dependency breaks the build of its importers just as well.
func reported(p *listedPackage) bool { return p.inMainModule() }

// listDiagnostic turns a go list error into a diagnostic.
func listDiagnostic(p *listedPackage) Diagnostic {
	d := Diagnostic{Package: p.ImportPath, Msg: p.Error.Err}
	if p.Error.Pos != "" {
		d.Msg = strings.TrimPrefix(d.Msg, p.Error.Pos+": ")
		d.Pos = parsePosition(p.Error.Pos)
	}
	return d
}

// parsePosition reads "file:line:col" or "file:line".
func parsePosition(s string) token.Position {
	var pos token.Position
	parts := strings.Split(s, ":")
	nums := []*int{&pos.Column, &pos.Line}
	for len(parts) > 1 && len(nums) > 0 {
		n := 0
		if _, err := fmt.Sscanf(parts[len(parts)-1], "%d", &n); err != nil {
			break
		}
		parts = parts[:len(parts)-1]
		*nums[0] = n
		nums = nums[1:]
	}
	if len(nums) == 1 { // only one number: it was the line
		pos.Line, pos.Column = pos.Column, 0
	}
	pos.Filename = strings.Join(parts, ":")
	return pos
}

// checker loads and checks packages from the go list graph.
type checker struct {
	fset     *token.FileSet
	sizes    types.Sizes
	overlay  map[string][]byte
	listed   map[string]*listedPackage // by go list ImportPath
	done     map[string]*types.Package
	checking map[string]bool
	res      *Result
}

// load returns the checked package for a go list import path, checking it
// and its dependencies first if needed.
func (c *checker) load(importPath string) (*types.Package, error) {
	if importPath == "unsafe" {
		return types.Unsafe, nil
	}
	if pkg, ok := c.done[importPath]; ok {
		return pkg, nil
	}
	if c.checking[importPath] {
		return nil, fmt.Errorf("import cycle through %s", importPath)
	}
	p := c.listed[importPath]
	if p == nil {
		return nil, fmt.Errorf("package %s is not in the import graph for %s", importPath, c.res.Target)
	}
	c.checking[importPath] = true
	defer delete(c.checking, importPath)
	pkg, err := c.check(p)
	if err != nil {
		return nil, err
	}
	c.done[importPath] = pkg
	return pkg, nil
}

// check parses and type-checks one package. Errors in a reported package
// become diagnostics; errors in a dependency are collected apart, and the
// dependency's function bodies are not checked.
func (c *checker) check(p *listedPackage) (*types.Package, error) {
	report := reported(p)
	var syntaxDiags, typeDiags []Diagnostic
	var files []*ast.File
	for _, name := range p.files() {
		src, err := c.source(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		f, err := parser.ParseFile(c.fset, name, src, parser.SkipObjectResolution)
		if f != nil {
			files = append(files, f)
		}
		var list scanner.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				syntaxDiags = append(syntaxDiags, Diagnostic{Package: p.ImportPath, Pos: e.Pos, Msg: e.Msg})
			}
		} else if err != nil {
			syntaxDiags = append(syntaxDiags, Diagnostic{Package: p.ImportPath, Msg: err.Error()})
		}
	}

	conf := types.Config{
		Importer:         importerFunc(func(path string) (*types.Package, error) { return c.importFrom(p, path) }),
		Sizes:            c.sizes,
		FakeImportC:      true,
		IgnoreFuncBodies: !report,
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				typeDiags = append(typeDiags, Diagnostic{Package: p.ImportPath, Pos: c.fset.Position(te.Pos), Msg: te.Msg})
			} else {
				typeDiags = append(typeDiags, Diagnostic{Package: p.ImportPath, Msg: err.Error()})
			}
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = version.Lang("go" + p.Module.GoVersion)
	}
	// Check returns the first error, which conf.Error has already seen.
	// The package is usable by its importers even when it has errors.
	pkg, _ := conf.Check(p.path(), c.fset, files, nil)

	diags := append(syntaxDiags, typeDiags...)
	if report && len(syntaxDiags) > 0 {
		// Type errors in a package that does not parse are mostly echoes
		// of the syntax errors, as the compiler also treats them.
		diags = syntaxDiags
	}
	if report {
		c.res.Diagnostics = append(c.res.Diagnostics, diags...)
	} else {
		c.res.Dependencies++
		c.res.DependencyErrors = append(c.res.DependencyErrors, diags...)
	}
	return pkg, nil
}

// importFrom resolves path as imported by p and loads it.
func (c *checker) importFrom(p *listedPackage, path string) (*types.Package, error) {
	if mapped, ok := p.ImportMap[path]; ok {
		path = mapped
	}
	return c.load(path)
}

// source returns a file's content, from the overlay if it is there.
func (c *checker) source(name string) ([]byte, error) {
	if b, ok := c.overlay[name]; ok {
		return b, nil
	}
	return os.ReadFile(name)
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// sortDedupe sorts diagnostics by position and drops repeats (a package
// and its test variant share files).
func sortDedupe(ds []Diagnostic) []Diagnostic {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	out := ds[:0]
	seen := make(map[string]bool, len(ds))
	for _, d := range ds {
		if k := d.String(); !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}
