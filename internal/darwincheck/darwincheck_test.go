package darwincheck

import (
	"context"
	"fmt"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const vzPath = "github.com/airlock-dev/airlock/vm/vz"

// moduleRoot is the repository root, two levels up from this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// check runs the checker on vm/vz with its tests. Errors outside vm/vz
// (in main-module packages it imports, which other people may be editing)
// are logged and left out of the result, so these tests judge the checker
// on vm/vz alone.
func check(t *testing.T, overlay map[string][]byte) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	res, err := Check(ctx, Options{Dir: moduleRoot(t), Patterns: []string{"./vm/vz"}, Tests: true, Overlay: overlay})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	t.Logf("checked %v in %v; %d dependencies, %d dependency errors ignored",
		res.Checked, time.Since(start).Round(time.Millisecond), res.Dependencies, len(res.DependencyErrors))
	vzDir := filepath.Join(moduleRoot(t), "vm", "vz") + string(filepath.Separator)
	var inVZ []Diagnostic
	for _, d := range res.Diagnostics {
		if strings.HasPrefix(d.Pos.Filename, vzDir) {
			inVZ = append(inVZ, d)
		} else {
			t.Logf("error outside vm/vz, not judged here: %s", d)
		}
	}
	res.Diagnostics = inVZ
	return res
}

// TestVZIsClean checks the real vz backend. Its darwin files and its
// !darwin stub both declare Backend.Start, so this also proves that files
// are selected for darwin: with the wrong selection, Start would be
// declared twice or not at all.
func TestVZIsClean(t *testing.T) {
	res := check(t, nil)
	for _, d := range res.Diagnostics {
		t.Errorf("unexpected error: %s", d)
	}
	for _, want := range []string{vzPath, vzPath + " [" + vzPath + ".test]", vzPath + "_test [" + vzPath + ".test]"} {
		if !slices.Contains(res.Checked, want) {
			t.Errorf("%s was not checked; checked %v", want, res.Checked)
		}
	}
	if res.Target != "darwin/arm64" {
		t.Errorf("target = %s, want darwin/arm64", res.Target)
	}
	for _, d := range res.DependencyErrors {
		if strings.Contains(d.Pos.Filename, "Code-Hex") {
			t.Logf("vz dependency error (ignored): %s", d)
		}
	}
}

// brokenVZ misuses the vz API in ways only a darwin build would notice.
// Each "// want" comment names part of the error expected on its line.
const brokenVZ = `//go:build darwin

package vz

import "github.com/Code-Hex/vz/v3"

func brokenShare() (*vz.SharedDirectory, error) {
	return vz.NewSharedDirectory(42, "read-only") // want cannot use 42
}

func brokenSocket() string {
	sock, _ := vz.NewVirtioSocketDeviceConfiguration()
	return sock // want cannot use sock
}

func brokenConnect(dev *vz.VirtioSocketDevice) error {
	_, err := dev.Connect("1024") // want cannot use "1024"
	return err
}

func brokenState(m *vz.VirtualMachine) bool {
	return m.State() == vz.VirtualMachineStateRuning // want undefined: vz.VirtualMachineStateRuning
}
`

// fixedVZ is brokenVZ with the mistakes corrected: the control that shows
// the errors come from the mistakes, not from the overlay.
const fixedVZ = `//go:build darwin

package vz

import "github.com/Code-Hex/vz/v3"

func brokenShare() (*vz.SharedDirectory, error) {
	return vz.NewSharedDirectory("/tmp", true)
}

func brokenSocket() *vz.VirtioSocketDeviceConfiguration {
	sock, _ := vz.NewVirtioSocketDeviceConfiguration()
	return sock
}

func brokenConnect(dev *vz.VirtioSocketDevice) error {
	_, err := dev.Connect(1024)
	return err
}

func brokenState(m *vz.VirtualMachine) bool {
	return m.State() == vz.VirtualMachineStateRunning
}
`

func TestCatchesVZMistakes(t *testing.T) {
	file := filepath.Join(moduleRoot(t), "vm", "vz", "zz_broken_darwin.go")
	res := check(t, map[string][]byte{file: []byte(brokenVZ)})
	wantCaught(t, res, map[string]string{file: brokenVZ})
	if res.OK() {
		t.Error("OK() = true for a package with errors")
	}

	res = check(t, map[string][]byte{file: []byte(fixedVZ)})
	for _, d := range res.Diagnostics {
		t.Errorf("corrected file: unexpected error: %s", d)
	}
}

// brokenVZTest misuses the conformance suite in an external test file of
// vm/vz, and brokenVZInternalTest misuses the package in an internal one:
// the darwin build of the tests is checked as well as the package.
const brokenVZTest = `//go:build darwin

package vz_test

import (
	"testing"

	"github.com/airlock-dev/airlock/vm/vmtest"
	"github.com/airlock-dev/airlock/vm/vz"
)

func TestBrokenHarness(t *testing.T) {
	vmtest.RunBackendTests(t, vmtest.Harness{
		Backend: vz.Backend{}, // want does not implement vm.Backend
		Crash:   vz.HardStop(nil), // want cannot use vz.HardStop(nil)
	})
}
`

const brokenVZInternalTest = `//go:build darwin

package vz

import "testing"

func TestBrokenLimits(t *testing.T) {
	_ = hostLimits().check("1", 256) // want cannot use "1"
}
`

func TestCatchesMistakesInTests(t *testing.T) {
	dir := filepath.Join(moduleRoot(t), "vm", "vz")
	files := map[string]string{
		filepath.Join(dir, "zz_broken_darwin_test.go"):          brokenVZTest,
		filepath.Join(dir, "zz_broken_internal_darwin_test.go"): brokenVZInternalTest,
	}
	overlay := map[string][]byte{}
	for name, src := range files {
		overlay[name] = []byte(src)
	}
	wantCaught(t, check(t, overlay), files)
}

// wantCaught checks that res reports, in the given files (path to
// source), exactly the errors their "// want" comments name, line by line.
func wantCaught(t *testing.T, res *Result, files map[string]string) {
	t.Helper()
	type pos struct {
		file string
		line int
	}
	want := map[pos]string{}
	for file, src := range files {
		for i, line := range strings.Split(src, "\n") {
			if _, w, ok := strings.Cut(line, "// want "); ok {
				want[pos{file, i + 1}] = w
			}
		}
	}
	got := map[pos][]string{}
	for _, d := range res.Diagnostics {
		if _, ok := files[d.Pos.Filename]; !ok {
			t.Errorf("error outside the broken files: %s", d)
			continue
		}
		p := pos{d.Pos.Filename, d.Pos.Line}
		got[p] = append(got[p], d.Msg)
		t.Logf("caught: %s", d)
	}
	for p, w := range want {
		if !slices.ContainsFunc(got[p], func(msg string) bool { return strings.Contains(msg, w) }) {
			t.Errorf("%s:%d: no error containing %q; got %q", filepath.Base(p.file), p.line, w, got[p])
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s:%d: unexpected errors %q", filepath.Base(p.file), p.line, got[p])
		}
	}
}

func TestCatchesSyntaxErrors(t *testing.T) {
	file := filepath.Join(moduleRoot(t), "vm", "vz", "zz_syntax_darwin.go")
	res := check(t, map[string][]byte{file: []byte("//go:build darwin\n\npackage vz\n\nfunc f( {\n")})
	if len(res.Diagnostics) == 0 {
		t.Fatal("no error for a file that does not parse")
	}
	for _, d := range res.Diagnostics {
		if d.Pos.Filename != file {
			t.Errorf("error outside the broken file: %s", d)
		}
	}
}

func TestParsePosition(t *testing.T) {
	for in, want := range map[string]token.Position{
		"/a/b.go:3:4": {Filename: "/a/b.go", Line: 3, Column: 4},
		"/a/b.go:3":   {Filename: "/a/b.go", Line: 3},
		"C:/x.go:1:2": {Filename: "C:/x.go", Line: 1, Column: 2},
		"/a/b.go":     {Filename: "/a/b.go"},
	} {
		if got := parsePosition(in); got != want {
			t.Errorf("parsePosition(%q) = %+v, want %+v", in, got, want)
		}
	}
}

func TestDiagnosticString(t *testing.T) {
	d := Diagnostic{Package: "p", Pos: token.Position{Filename: "x.go", Line: 2, Column: 5}, Msg: "undefined: y"}
	if got := d.String(); got != "x.go:2:5: undefined: y" {
		t.Errorf("String = %q", got)
	}
	d.Pos = token.Position{}
	if got := d.String(); got != "p: undefined: y" {
		t.Errorf("String without position = %q", got)
	}
	_ = fmt.Sprint(d)
}
