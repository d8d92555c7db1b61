package rootfs

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

func TestParseModinfoSection(t *testing.T) {
	data := []byte("license=GPL\x00depends=virtio,virtio-ring,\x00intree=Y\x00name=virtio_mmio\x00vermagic=6.1.0 SMP\x00\x00junk\x00")
	info := parseModinfoSection(data)
	if info.Name != "virtio_mmio" || !slices.Equal(info.Depends, []string{"virtio", "virtio_ring"}) {
		t.Errorf("got %+v", info)
	}
	if info := parseModinfoSection([]byte("depends=\x00name=virtio-rng\x00")); info.Name != "virtio_rng" || len(info.Depends) != 0 {
		t.Errorf("empty depends: got %+v", info)
	}
}

func TestParseModinfoSyntheticELF(t *testing.T) {
	ko := fakeModule(elf.EM_X86_64, "name=9p", "depends=9pnet,fscache,netfs")
	info, err := parseModinfo(ko)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "9p" || !slices.Equal(info.Depends, []string{"9pnet", "fscache", "netfs"}) || info.Machine != elf.EM_X86_64 {
		t.Errorf("got %+v", info)
	}
	noInfo := buildELF(elf.ET_REL, elf.EM_X86_64, nil, testSection{".text", elf.SHT_PROGBITS, []byte{0xC3}})
	if _, err := parseModinfo(noInfo); err == nil {
		t.Error("object without .modinfo accepted")
	}
	if _, err := parseModinfo([]byte("not an ELF")); err == nil {
		t.Error("garbage accepted")
	}
}

// TestParseModinfoCompiledObject checks the parser against an object file
// produced by a real compiler, the way kernel modules are.
func TestParseModinfoCompiledObject(t *testing.T) {
	cc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not installed; cannot compile a test object")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "mod.c")
	code := `
static const char license[] __attribute__((section(".modinfo"), used, aligned(1))) = "license=GPL";
static const char deps[] __attribute__((section(".modinfo"), used, aligned(1))) = "depends=virtio,virtio_ring";
static const char name[] __attribute__((section(".modinfo"), used, aligned(1))) = "name=virtio_console";
int init_module(void) { return 0; }
`
	if err := os.WriteFile(src, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(dir, "mod.o")
	if out, err := exec.Command(cc, "-c", "-o", obj, src).CombinedOutput(); err != nil {
		t.Skipf("gcc -c failed: %v: %s", err, out)
	}
	data, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	info, err := parseModinfo(data)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "virtio_console" || !slices.Equal(info.Depends, []string{"virtio", "virtio_ring"}) {
		t.Errorf("got %+v", info)
	}
}

func TestModuleFileName(t *testing.T) {
	cases := []struct {
		base, name, comp string
		ok               bool
	}{
		{"virtio_mmio.ko", "virtio_mmio", "", true},
		{"virtio-rng.ko", "virtio_rng", "", true},
		{"9p.ko.xz", "9p", ".xz", true},
		{"fscache.ko.zst", "fscache", ".zst", true},
		{"netfs.ko.gz", "netfs", ".gz", true},
		{".ko", "", "", false},
		{"modules.builtin", "", "", false},
		{"foo.ko.bz2", "", "", false},
	}
	for _, c := range cases {
		name, comp, ok := moduleFileName(c.base)
		if name != c.name || comp != c.comp || ok != c.ok {
			t.Errorf("%s: got %q %q %v", c.base, name, comp, ok)
		}
	}
}
