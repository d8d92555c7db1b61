package rootfs

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// buildFakeImage builds an image for arch from a fake package and agent.
func buildFakeImage(t *testing.T, arch string) Image {
	t.Helper()
	deb := newFakeDeb(t, arch).write(t, t.TempDir())
	img, _, err := Build(context.Background(), buildOpts(arch, deb, writeAgentFor(t, arch, "agent"), t.TempDir(), nil))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestVerifyBuiltImages(t *testing.T) {
	for arch, want := range map[string]Contents{
		ArchAMD64: {Kernel: "x86-64 vmlinux ELF with a PVH entry point", Init: "static linux/amd64 ELF executable (EM_X86_64)", Modules: 13},
		ArchARM64: {Kernel: "arm64 Image, little-endian, page size unspecified", Init: "static linux/arm64 ELF executable (EM_AARCH64)", Modules: 12},
	} {
		img := buildFakeImage(t, arch)
		got, err := Verify(img)
		if err != nil || got != want {
			t.Errorf("%s: Verify = %+v, %v; want %+v", arch, got, err, want)
		}
	}
}

// staticELF returns a static executable for machine; edit changes its
// bytes before they are returned.
func staticELF(machine elf.Machine, edit func([]byte)) []byte {
	b := buildELF(elf.ET_EXEC, machine, elfNote("Go", 4, []byte("id")), testSection{".text", elf.SHT_PROGBITS, []byte{0xC3}})
	if edit != nil {
		edit(b)
	}
	return b
}

func TestCheckExecutable(t *testing.T) {
	dynamic := func(b []byte) { b[64] = byte(elf.PT_INTERP) } // the only program header
	freebsd := func(b []byte) { b[elf.EI_OSABI] = byte(elf.ELFOSABI_FREEBSD) }
	cases := []struct {
		name string
		file []byte
		arch string
		want string // "" for success
	}{
		{"arm64", staticELF(elf.EM_AARCH64, nil), ArchARM64, ""},
		{"amd64", staticELF(elf.EM_X86_64, nil), ArchAMD64, ""},
		{"wrong machine", staticELF(elf.EM_X86_64, nil), ArchARM64, "EM_X86_64, not linux/arm64 (EM_AARCH64)"},
		{"dynamic", staticELF(elf.EM_AARCH64, dynamic), ArchARM64, "dynamically linked"},
		{"other OS", staticELF(elf.EM_AARCH64, freebsd), ArchARM64, "not Linux"},
		{"object file", fakeModule(elf.EM_AARCH64, "name=x"), ArchARM64, "not an executable"},
		{"script", []byte("#!/bin/sh\nexit 0\n"), ArchARM64, "is not an ELF executable"},
		{"truncated", staticELF(elf.EM_AARCH64, nil)[:20], ArchARM64, "is not a valid ELF file"},
	}
	for _, c := range cases {
		desc, err := checkExecutable(bytes.NewReader(c.file), c.arch)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: got %q, %v; want an error containing %q", c.name, desc, err, c.want)
		}
	}
}

func TestDescribeARM64Image(t *testing.T) {
	head := func(flags byte) []byte {
		h := make([]byte, 64)
		copy(h[56:], arm64ImageMagic)
		h[24] = flags
		return h
	}
	for flags, want := range map[byte]string{
		0b000:  "arm64 Image, little-endian, page size unspecified",
		0b010:  "arm64 Image, little-endian, 4K pages",
		0b100:  "arm64 Image, little-endian, 16K pages",
		0b110:  "arm64 Image, little-endian, 64K pages",
		0b1010: "arm64 Image, little-endian, 4K pages", // bit 3: placement anywhere
	} {
		if got, err := describeARM64Image(head(flags)); err != nil || got != want {
			t.Errorf("flags %04b: %q, %v; want %q", flags, got, err, want)
		}
	}
	if _, err := describeARM64Image(head(1)); err == nil || !strings.Contains(err.Error(), "big-endian") {
		t.Errorf("big-endian Image: %v", err)
	}
	if _, err := describeARM64Image(gzipBytes(t, head(2))[:64]); err == nil {
		t.Error("gzip-compressed Image accepted")
	}
}

// writeTestInitrd replaces the initramfs of img with one holding agent as
// /init and the given modules (file name to content).
func writeTestInitrd(t *testing.T, img Image, agent []byte, modules [][2]string) {
	t.Helper()
	dir := t.TempDir()
	agentPath := filepath.Join(dir, "agent")
	os.WriteFile(agentPath, agent, 0o755)
	var mods []shippedModule
	for _, m := range modules {
		p := filepath.Join(dir, m[0])
		os.WriteFile(p, []byte(m[1]), 0o644)
		mods = append(mods, shippedModule{File: m[0], Path: p})
	}
	var buf bytes.Buffer
	if err := writeInitramfs(&buf, agentPath, mods); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(img.Initrd, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyRejects(t *testing.T) {
	armAgent := fakeAgent(ArchARM64, "agent")
	armModule := string(fakeModule(elf.EM_AARCH64, "name=m"))
	cases := []struct {
		name   string
		change func(t *testing.T, img *Image)
		want   string
	}{
		{"compressed kernel", func(t *testing.T, img *Image) {
			os.WriteFile(img.Kernel, gzipBytes(t, fakeARM64Image()), 0o644)
		}, "not an arm64 Image"},
		{"amd64 kernel", func(t *testing.T, img *Image) {
			os.WriteFile(img.Kernel, fakeVmlinux(true), 0o644)
		}, "not an arm64 Image"},
		{"amd64 agent", func(t *testing.T, img *Image) {
			writeTestInitrd(t, *img, fakeAgent(ArchAMD64, "agent"), [][2]string{{"m.ko", armModule}})
		}, "/init is ELFCLASS64 ELFDATA2LSB EM_X86_64, not linux/arm64"},
		{"amd64 module", func(t *testing.T, img *Image) {
			writeTestInitrd(t, *img, armAgent, [][2]string{{"m.ko", string(fakeModule(elf.EM_X86_64, "name=m"))}})
		}, "module m.ko: is an ELF ET_REL for EM_X86_64"},
		{"module list differs from manifest", func(t *testing.T, img *Image) {
			writeTestInitrd(t, *img, armAgent, [][2]string{{"other.ko", armModule}})
		}, "differs from the manifest"},
		{"not a cpio archive", func(t *testing.T, img *Image) {
			os.WriteFile(img.Initrd, fakeARM64Image(), 0o644)
		}, "not a newc archive"},
		{"unsupported arch", func(t *testing.T, img *Image) {
			img.Manifest.Arch = "riscv64"
		}, "unsupported architecture"},
	}
	for _, c := range cases {
		img := buildFakeImage(t, ArchARM64)
		writeTestInitrd(t, img, armAgent, [][2]string{{"m.ko", armModule}})
		img.Manifest.Modules = []string{"m"}
		if _, err := Verify(img); err != nil {
			t.Fatalf("%s: the unchanged image fails: %v", c.name, err)
		}
		c.change(t, &img)
		_, err := Verify(img)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Verify = %v, want an error wrapping ErrCorrupt containing %q", c.name, err, c.want)
		}
	}
}

func TestBuildRejectsWrongAgent(t *testing.T) {
	deb := newFakeDeb(t, ArchARM64).write(t, t.TempDir())
	cache := t.TempDir()
	_, _, err := Build(context.Background(), buildOpts(ArchARM64, deb, writeAgentFor(t, ArchAMD64, "agent"), cache, nil))
	for _, want := range []string{"not linux/arm64", "GOOS=linux GOARCH=arm64"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("amd64 agent in an arm64 image: %v; want an error containing %q", err, want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(cache, "kernels")); len(entries) != 0 {
		t.Errorf("the package was extracted before the agent was checked: %v", entries)
	}
}
