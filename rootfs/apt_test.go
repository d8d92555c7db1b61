package rootfs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeApt stands in for dpkg, apt-cache and apt-get.
type fakeApt struct {
	hostArch string
	depends  map[string]string // apt-cache depends output by package
	files    map[string]string // apt-get download result file name by package
	missing  bool              // the apt tools are not installed
	calls    []string
}

func (f *fakeApt) run(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
	call := strings.Join(append([]string{name}, args...), " ")
	f.calls = append(f.calls, call)
	if f.missing && name != "dpkg" {
		return nil, fmt.Errorf("%s: %w", name, exec.ErrNotFound)
	}
	switch {
	case name == "dpkg" && len(args) == 1 && args[0] == "--print-architecture":
		return []byte(f.hostArch + "\n"), nil
	case name == "apt-cache" && len(args) == 2 && args[0] == "depends":
		if out, ok := f.depends[args[1]]; ok {
			return []byte(out), nil
		}
		return nil, fmt.Errorf("%s: exit status 100: E: No packages found", call)
	case name == "apt-get" && len(args) == 2 && args[0] == "download":
		file, ok := f.files[args[1]]
		if !ok {
			return nil, fmt.Errorf("%s: exit status 100: E: Unable to locate package %s", call, args[1])
		}
		return nil, os.WriteFile(filepath.Join(dir, file), []byte("deb"), 0o644)
	}
	return nil, fmt.Errorf("unexpected command %q", call)
}

// aptBuilder returns a builder for arch whose commands go to f.
func aptBuilder(t *testing.T, arch string, f *fakeApt) *builder {
	cache := t.TempDir()
	os.MkdirAll(debsDir(cache), 0o755)
	return &builder{o: BuildOptions{Arch: arch, CacheDir: cache}, log: slog.New(slog.DiscardHandler), run: f.run}
}

func TestDownloadKernelDeb(t *testing.T) {
	f := &fakeApt{
		hostArch: "amd64",
		depends:  map[string]string{"linux-image-amd64": "linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n"},
		files:    map[string]string{"linux-image-6.1.0-56-amd64": "linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb"},
	}
	b := aptBuilder(t, ArchAMD64, f)
	path, err := b.kernelDeb(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(debsDir(b.o.CacheDir), "linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb"); path != want {
		t.Errorf("got %q, want %q", path, want)
	}
	entries, _ := os.ReadDir(debsDir(b.o.CacheDir))
	if len(entries) != 1 {
		t.Errorf("download directory left behind: %v", entries)
	}
	// The next call finds the cached package without apt.
	f.calls = nil
	if again, err := b.kernelDeb(context.Background()); err != nil || again != path || len(f.calls) != 0 {
		t.Errorf("cached: %q %v, calls %v", again, err, f.calls)
	}
}

func TestDownloadKernelDebForeignArch(t *testing.T) {
	f := &fakeApt{hostArch: "amd64"}
	b := aptBuilder(t, ArchARM64, f)
	_, err := b.kernelDeb(context.Background())
	if err == nil {
		t.Fatal("unknown foreign package accepted")
	}
	for _, want := range []string{"linux-image-arm64:arm64", "dpkg --add-architecture arm64 && apt-get update", "--kernel-deb"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if !errors.Is(err, errAptUnknown) {
		t.Errorf("error does not wrap errAptUnknown: %v", err)
	}
	for _, c := range f.calls {
		if strings.Contains(c, "add-architecture") || strings.Contains(c, "update") {
			t.Errorf("ran %q on its own", c)
		}
	}

	// Once the architecture is enabled the qualified package is fetched.
	f.depends = map[string]string{"linux-image-arm64:arm64": "linux-image-arm64:arm64\n  Depends: linux-image-6.1.0-56-arm64:arm64\n"}
	f.files = map[string]string{"linux-image-6.1.0-56-arm64:arm64": "linux-image-6.1.0-56-arm64_6.1.192-2_arm64.deb"}
	if path, err := b.kernelDeb(context.Background()); err != nil || filepath.Base(path) != "linux-image-6.1.0-56-arm64_6.1.192-2_arm64.deb" {
		t.Errorf("got %q %v", path, err)
	}
}

func TestDownloadKernelDebFailures(t *testing.T) {
	b := aptBuilder(t, ArchAMD64, &fakeApt{hostArch: "amd64", missing: true})
	if _, err := b.kernelDeb(context.Background()); err == nil || !strings.Contains(err.Error(), "--kernel-deb") {
		t.Errorf("apt missing: %v", err)
	}
	f := &fakeApt{hostArch: "amd64", depends: map[string]string{"linux-image-amd64": "linux-image-amd64\n  Depends: <linux-image-virtual>\n"}}
	if _, err := aptBuilder(t, ArchAMD64, f).kernelDeb(context.Background()); err == nil || !strings.Contains(err.Error(), "names no linux-image package") {
		t.Errorf("no dependency: %v", err)
	}
	f = &fakeApt{hostArch: "amd64", depends: map[string]string{"linux-image-amd64": "  Depends: linux-image-6.1.0-56-amd64\n"}}
	if _, err := aptBuilder(t, ArchAMD64, f).kernelDeb(context.Background()); err == nil || !strings.Contains(err.Error(), "apt-get update") {
		t.Errorf("download of unknown package: %v", err)
	}
}

func TestPickKernelDepends(t *testing.T) {
	cases := map[string]string{
		"linux-image-amd64\n  Depends: linux-image-6.1.0-56-amd64\n":                                                             "linux-image-6.1.0-56-amd64",
		"x\n  Depends: <linux-image-virtual>\n |Depends: linux-image-6.1.0-56-rt-amd64\n  Depends: linux-image-6.1.0-56-amd64\n": "linux-image-6.1.0-56-amd64",
		"x\n  Depends: linux-image-6.1.0-56-cloud-amd64\n":                                                                       "",
		"x\n  Depends: linux-image-6.1.0-56-arm64:arm64\n":                                                                       "linux-image-6.1.0-56-arm64",
		"x\n  Recommends: linux-image-6.1.0-56-amd64\n  Depends: firmware\n":                                                     "",
	}
	for in, want := range cases {
		if got := pickKernelDepends([]byte(in)); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestHostArchFallback(t *testing.T) {
	b := aptBuilder(t, ArchAMD64, &fakeApt{})
	b.run = func(context.Context, string, string, ...string) ([]byte, error) { return nil, exec.ErrNotFound }
	if got := b.hostArch(context.Background()); got == "" {
		t.Error("empty host architecture")
	}
}

func TestRunCommand(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	out, err := runCommand(context.Background(), dir, "sh", "-c", "pwd -P; echo ignored >&2")
	if err != nil || strings.TrimSpace(string(out)) != dir {
		t.Errorf("got %q %v, want the working directory %s", out, err, dir)
	}
	_, err = runCommand(context.Background(), "", "sh", "-c", "echo bad thing >&2; exit 3")
	if err == nil || !strings.Contains(err.Error(), "bad thing") {
		t.Errorf("stderr not in error: %v", err)
	}
	_, err = runCommand(context.Background(), "", "airlock-no-such-program", "x")
	if !errors.Is(err, exec.ErrNotFound) || strings.HasSuffix(err.Error(), ": ") {
		t.Errorf("missing program: %v", err)
	}
}
