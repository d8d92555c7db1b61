package rootfs

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

func TestSplitModulesPath(t *testing.T) {
	cases := []struct {
		in, ver, rel string
		ok           bool
	}{
		{"lib/modules/6.1.0-50-amd64/kernel/fs/9p/9p.ko", "6.1.0-50-amd64", "kernel/fs/9p/9p.ko", true},
		{"usr/lib/modules/6.12.0-1-amd64/modules.builtin", "6.12.0-1-amd64", "modules.builtin", true},
		{"lib/modules/6.1.0-50-amd64", "", "", false},
		{"lib/modules/6.1.0-50-amd64/", "", "", false},
		{"boot/vmlinuz-6.1.0-50-amd64", "", "", false},
		{"usr/share/lib/modules/x/y", "", "", false},
	}
	for _, c := range cases {
		ver, rel, ok := splitModulesPath(c.in)
		if ver != c.ver || rel != c.rel || ok != c.ok {
			t.Errorf("%s: got %q %q %v", c.in, ver, rel, ok)
		}
	}
}

// scanTestTar runs scanData over a tar of files and returns the contents
// and the spool.
func scanTestTar(t *testing.T, files map[string][]byte, extra ...*tar.Header) (*packageContents, []byte, []string, error) {
	t.Helper()
	raw := tarBytes(t, files)
	if len(extra) > 0 {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, h := range extra {
			tw.WriteHeader(h)
		}
		tw.Flush()
		// Put the extra entries first, before the regular archive.
		raw = append(buf.Bytes(), raw...)
	}
	var spool bytes.Buffer
	var kernels []string
	c, err := scanData(context.Background(), tar.NewReader(bytes.NewReader(raw)), &spool, elf.EM_X86_64,
		func(ver string, _ []byte) { kernels = append(kernels, ver) }, slog.New(slog.DiscardHandler))
	return c, spool.Bytes(), kernels, err
}

func TestScanData(t *testing.T) {
	const ver = "6.1.0-1-amd64"
	dir := "./lib/modules/" + ver + "/kernel/drivers/"
	plain := fakeModule(elf.EM_X86_64, "name=virtio", "depends=")
	packed := fakeModule(elf.EM_X86_64, "name=virtio_rng", "depends=virtio")
	gz := fakeModule(elf.EM_X86_64, "depends=virtio")
	files := map[string][]byte{
		"./boot/vmlinuz-" + ver:                           []byte("bzImage"),
		"./boot/System.map-" + ver:                        []byte("map"),
		dir + "virtio.ko":                                 plain,
		dir + "virtio-rng.ko.xz":                          xzEncode(t, packed, xz.CRC32),
		dir + "gzipped.ko.gz":                             gzipBytes(t, gz),
		dir + "zstd.ko.zst":                               []byte("zstd"),
		dir + "broken.ko":                                 []byte("not an ELF"),
		dir + "arm.ko":                                    fakeModule(elf.EM_AARCH64, "name=arm"),
		"./lib/modules/" + ver + "/modules.builtin":       []byte("kernel/fs/ext4/ext4.ko\n"),
		"./lib/modules/" + ver + "/modules.order":         []byte("ignored"),
		"./lib/modules/" + ver + "/updates/ignored.ko":    plain,
		"./usr/lib/modules/other-version/kernel/other.ko": fakeModule(elf.EM_X86_64, "name=other"),
	}
	link := &tar.Header{Name: dir + "link.ko", Typeflag: tar.TypeSymlink, Linkname: "virtio.ko"}
	c, spool, kernels, err := scanTestTar(t, files, link)
	if err != nil {
		t.Fatal(err)
	}
	if c.KernelVersion != ver || string(c.Vmlinuz) != "bzImage" || len(kernels) != 1 || kernels[0] != ver {
		t.Errorf("kernel: %q %q %v", c.KernelVersion, c.Vmlinuz, kernels)
	}
	byName := map[string]packageModule{}
	for _, m := range c.Modules {
		byName[m.Name] = m
	}
	if len(c.Modules) != 7 {
		t.Errorf("got %d modules: %+v", len(c.Modules), c.Modules)
	}
	check := func(name, file string, want []byte) {
		t.Helper()
		m, ok := byName[name]
		if !ok || m.Err != nil || m.File != file {
			t.Errorf("%s: %+v", name, m)
			return
		}
		if got := spool[m.Offset : m.Offset+m.Size]; !bytes.Equal(got, want) {
			t.Errorf("%s: spooled bytes differ", name)
		}
	}
	check("virtio", "virtio.ko", plain)
	check("virtio_rng", "virtio-rng.ko", packed)
	check("gzipped", "gzipped.ko", gz)
	if m := byName["virtio_rng"]; len(m.Deps) != 1 || m.Deps[0] != "virtio" {
		t.Errorf("virtio_rng deps %v", m.Deps)
	}
	for name, want := range map[string]string{"zstd": "zstd compression", "broken": "parse module ELF", "arm": "built for EM_AARCH64"} {
		if m := byName[name]; m.Err == nil || !strings.Contains(m.Err.Error(), want) {
			t.Errorf("%s: err %v, want %q", name, m.Err, want)
		}
	}
	if !errors.Is(byName["zstd"].Err, errZstd) {
		t.Error("zstd error does not wrap errZstd")
	}

	g := c.graph(ver)
	if !g.builtin["ext4"] || len(g.deps) != 3 || len(g.unusable) != 3 {
		t.Errorf("graph: %+v", g)
	}
	order, _, err := g.closure([]string{"virtio-rng"})
	if err != nil || strings.Join(order, ",") != "virtio,virtio_rng" {
		t.Errorf("closure: %v %v", order, err)
	}
	if _, _, err := g.closure([]string{"zstd"}); !errors.Is(err, errZstd) {
		t.Errorf("closure over a zstd module: %v", err)
	}
	if m, ok := c.module(ver, "virtio"); !ok || m.File != "virtio.ko" {
		t.Error("module lookup")
	}
	if _, ok := c.module(ver, "broken"); ok {
		t.Error("unusable module returned")
	}
	if g := c.graph("other-version"); len(g.deps) != 1 {
		t.Errorf("usr/lib/modules not scanned: %+v", g)
	}
}

func TestScanDataErrors(t *testing.T) {
	two := map[string][]byte{"./boot/vmlinuz-a": []byte("a"), "./boot/vmlinuz-b": []byte("b")}
	if _, _, _, err := scanTestTar(t, two); err == nil || !strings.Contains(err.Error(), "more than one kernel") {
		t.Errorf("two kernels: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := scanData(ctx, tar.NewReader(bytes.NewReader(tarBytes(t, two))), io.Discard, elf.EM_X86_64, nil, slog.New(slog.DiscardHandler))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := scanData(context.Background(), tar.NewReader(strings.NewReader(strings.Repeat("x", 1024))), io.Discard, elf.EM_X86_64, nil, slog.New(slog.DiscardHandler)); err == nil {
		t.Error("garbage tar accepted")
	}
	files := map[string][]byte{"./lib/modules/v/kernel/a.ko": fakeModule(elf.EM_X86_64, "name=a")}
	_, err = scanData(context.Background(), tar.NewReader(bytes.NewReader(tarBytes(t, files))), failWriter{}, elf.EM_X86_64, nil, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "spool") {
		t.Errorf("spool write failure: %v", err)
	}
}
