package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/airlock-dev/airlock/rootfs"
)

// testExecutable returns the smallest static executable ELF for machine
// that the image checks accept: a header, nothing else.
func testExecutable(machine elf.Machine) []byte {
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(machine), Version: uint32(elf.EV_CURRENT), Ehsize: 64}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	h.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	h.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, h)
	return b.Bytes()
}

// testCPIO writes a newc archive of regular files.
func testCPIO(files map[string][]byte) []byte {
	var b bytes.Buffer
	pad := func() {
		for b.Len()%4 != 0 {
			b.WriteByte(0)
		}
	}
	add := func(name string, mode int, data []byte) {
		fmt.Fprintf(&b, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name)+1, 0)
		b.WriteString(name + "\x00")
		pad()
		b.Write(data)
		pad()
	}
	for name, data := range files {
		add(name, 0o100755, data)
	}
	add("TRAILER!!!", 0, nil)
	return b.Bytes()
}

// writeTestImage writes an arm64 image directory under parent whose /init
// is agent, and returns the directory.
func writeTestImage(t *testing.T, parent string, agent []byte) string {
	t.Helper()
	kernel := make([]byte, 4096)
	copy(kernel[56:], "ARM\x64")
	kernel[24] = 0b010 // little-endian, 4K pages
	initrd := testCPIO(map[string][]byte{"init": agent, "etc/airlock/modules": nil})
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	m := rootfs.Manifest{Arch: "arm64", KernelSHA256: sum(kernel), InitrdSHA256: sum(initrd)}
	m.ID = sum([]byte(m.KernelSHA256 + "\n" + m.InitrdSHA256 + "\n"))
	dir := filepath.Join(parent, m.ID)
	manifest, _ := json.Marshal(m)
	os.MkdirAll(dir, 0o755)
	for name, data := range map[string][]byte{"Image": kernel, "initramfs.cpio": initrd, "manifest.json": manifest} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestImageInfoVerifiesDir(t *testing.T) {
	dir := writeTestImage(t, t.TempDir(), testExecutable(elf.EM_AARCH64))
	var out bytes.Buffer
	if err := cmdImageInfo([]string{"--dir", dir}, &out); err != nil {
		t.Fatal(err)
	}
	var info struct {
		Dir      string
		Arch     string
		Verified rootfs.Contents
	}
	if err := json.Unmarshal(out.Bytes(), &info); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := rootfs.Contents{Kernel: "arm64 Image, little-endian, 4K pages", Init: "static linux/arm64 ELF executable (EM_AARCH64)"}
	if info.Dir != dir || info.Arch != "arm64" || info.Verified != want {
		t.Errorf("image info:\n%s\nwant verified %+v", out.String(), want)
	}

	if err := cmdImageInfo([]string{"--dir", dir, "--arch", "amd64"}, &out); err == nil || !strings.Contains(err.Error(), "is for arm64, not amd64") {
		t.Errorf("--arch amd64 on an arm64 image: %v", err)
	}
	wrong := writeTestImage(t, t.TempDir(), testExecutable(elf.EM_X86_64))
	err := cmdImageInfo([]string{"--dir", wrong}, &out)
	if err == nil || !strings.Contains(err.Error(), "/init is ELFCLASS64 ELFDATA2LSB EM_X86_64, not linux/arm64") {
		t.Errorf("amd64 agent in an arm64 image: %v", err)
	}
}

func TestEnsureImageChecksEnvImage(t *testing.T) {
	good := writeTestImage(t, t.TempDir(), testExecutable(elf.EM_AARCH64))
	t.Setenv("AIRLOCK_IMAGE", good)
	_, err := ensureImage(context.Background(), &bytes.Buffer{}, slog.New(slog.DiscardHandler))
	if runtime.GOARCH == "arm64" {
		if err != nil {
			t.Errorf("arm64 image on an arm64 host: %v", err)
		}
	} else if err == nil || !strings.Contains(err.Error(), "is for arm64, not "+runtime.GOARCH) {
		t.Errorf("arm64 image on an %s host: %v", runtime.GOARCH, err)
	}

	if runtime.GOARCH == "arm64" {
		t.Setenv("AIRLOCK_IMAGE", writeTestImage(t, t.TempDir(), testExecutable(elf.EM_X86_64)))
		if _, err := ensureImage(context.Background(), &bytes.Buffer{}, slog.New(slog.DiscardHandler)); err == nil {
			t.Error("image with an amd64 agent accepted on an arm64 host")
		}
	}
}
