package rootfs

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Contents describes an image's boot files as Verify read them.
type Contents struct {
	// Kernel describes the kernel file, e.g. "arm64 Image, little-endian,
	// 4K pages".
	Kernel string `json:"kernel"`
	// Init describes /init in the initramfs, e.g. "static linux/arm64 ELF
	// executable (EM_AARCH64)".
	Init string `json:"init"`
	// Modules counts the kernel modules in the initramfs.
	Modules int `json:"modules"`
}

// maxModuleListSize bounds the module list read from an initramfs.
const maxModuleListSize = 1 << 20

// Verify reads an image's boot files and checks that they are what a guest
// of the manifest's architecture boots: the kernel is an uncompressed
// little-endian arm64 Image (arm64) or an x86-64 vmlinux ELF with a PVH
// entry point (amd64); /init in the initramfs is a static Linux ELF
// executable for the architecture; the initramfs's module list names the
// manifest's modules, in order, and each is an ELF object for the
// architecture. It does not re-hash the files against the manifest (Open
// does). A failed check wraps ErrCorrupt.
func Verify(img Image) (Contents, error) {
	c, err := verify(img)
	if err != nil {
		return c, fmt.Errorf("verify image %s: %w: %w", img.Dir, err, ErrCorrupt)
	}
	return c, nil
}

func verify(img Image) (Contents, error) {
	var c Contents
	arch := img.Manifest.Arch
	if err := checkArch(arch); err != nil {
		return c, err
	}
	desc, err := checkKernelFile(img.Kernel, arch)
	if err != nil {
		return c, fmt.Errorf("kernel %s: %w", img.Kernel, err)
	}
	c.Kernel = desc

	f, err := os.Open(img.Initrd)
	if err != nil {
		return c, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return c, err
	}
	files, err := readCPIOFiles(f, info.Size())
	if err != nil {
		return c, fmt.Errorf("initramfs: %w", err)
	}
	byName := make(map[string]cpioFile, len(files))
	for _, file := range files {
		byName[file.name] = file
	}
	section := func(file cpioFile) *io.SectionReader { return io.NewSectionReader(f, file.offset, file.size) }

	initFile, ok := byName["init"]
	if !ok {
		return c, errors.New("initramfs has no /init")
	}
	if initFile.mode&0o111 == 0 {
		return c, fmt.Errorf("initramfs /init has mode %o: not executable", initFile.mode&0o7777)
	}
	if c.Init, err = checkExecutable(section(initFile), arch); err != nil {
		return c, fmt.Errorf("initramfs /init %w", err)
	}

	list, ok := byName[moduleListPath]
	if !ok {
		return c, fmt.Errorf("initramfs has no /%s", moduleListPath)
	}
	if list.size > maxModuleListSize {
		return c, fmt.Errorf("initramfs /%s is %d bytes", moduleListPath, list.size)
	}
	data, err := io.ReadAll(section(list))
	if err != nil {
		return c, fmt.Errorf("read /%s: %w", moduleListPath, err)
	}
	listed := strings.Fields(string(data))
	want := make([]string, len(img.Manifest.Modules))
	for i, m := range img.Manifest.Modules {
		want[i] = m + ".ko"
	}
	if !slices.Equal(listed, want) {
		return c, fmt.Errorf("initramfs module list %v differs from the manifest's %v", listed, want)
	}
	shipped := 0
	for _, file := range files {
		if strings.HasPrefix(file.name, initramfsModuleDir+"/") {
			shipped++
		}
	}
	if shipped != len(listed) {
		return c, fmt.Errorf("initramfs holds %d files in /%s, its module list names %d", shipped, initramfsModuleDir, len(listed))
	}
	for _, name := range listed {
		mod, ok := byName[initramfsModuleDir+"/"+name]
		if !ok {
			return c, fmt.Errorf("module %s is listed but not in /%s", name, initramfsModuleDir)
		}
		if err := checkModule(section(mod), arch); err != nil {
			return c, fmt.Errorf("module %s: %w", name, err)
		}
	}
	c.Modules = len(listed)
	return c, nil
}

// elfMachine returns the ELF machine of an architecture's kernel, modules
// and programs.
func elfMachine(arch string) elf.Machine {
	if arch == ArchARM64 {
		return elf.EM_AARCH64
	}
	return elf.EM_X86_64
}

// checkKernelFile checks that the file at path is the kernel a guest of
// arch boots, and describes it.
func checkKernelFile(path, arch string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if arch == ArchARM64 {
		head := make([]byte, 64)
		if _, err := io.ReadFull(f, head); err != nil {
			return "", fmt.Errorf("read header: %w", err)
		}
		return describeARM64Image(head)
	}
	if err := checkPVH(f); err != nil {
		return "", err
	}
	return "x86-64 vmlinux ELF with a PVH entry point", nil
}

// describeARM64Image checks an arm64 Image header (Documentation/arch/
// arm64/booting.rst) and describes it. Apple silicon runs little-endian
// kernels only.
func describeARM64Image(head []byte) (string, error) {
	if err := checkARM64Image(head); err != nil {
		return "", err
	}
	flags := binary.LittleEndian.Uint64(head[24:])
	if flags&1 != 0 {
		return "", errors.New("kernel is a big-endian arm64 Image")
	}
	pages := "page size unspecified"
	switch flags >> 1 & 3 {
	case 1:
		pages = "4K pages"
	case 2:
		pages = "16K pages"
	case 3:
		pages = "64K pages"
	}
	return "arm64 Image, little-endian, " + pages, nil
}

// checkExecutable checks that r holds a static Linux ELF executable for
// arch, which the guest kernel can run as /init without a dynamic loader
// or libc, and describes it.
func checkExecutable(r io.ReaderAt, arch string) (string, error) {
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil || !bytes.Equal(magic[:], []byte(elf.ELFMAG)) {
		return "", errors.New("is not an ELF executable")
	}
	f, err := elf.NewFile(r)
	if err != nil {
		return "", fmt.Errorf("is not a valid ELF file: %w", err)
	}
	defer f.Close()
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB || f.Machine != elfMachine(arch) {
		return "", fmt.Errorf("is %v %v %v, not linux/%s (%v)", f.Class, f.Data, f.Machine, arch, elfMachine(arch))
	}
	if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		return "", fmt.Errorf("is built for %v, not Linux", f.OSABI)
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return "", fmt.Errorf("is an ELF %v, not an executable", f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "", errors.New("is dynamically linked (it names an ELF interpreter), and the guest has no libc")
		}
	}
	return fmt.Sprintf("static linux/%s ELF executable (%v)", arch, f.Machine), nil
}

// checkAgentFile checks the agent binary before it goes into an image.
func checkAgentFile(path, arch string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	defer f.Close()
	if _, err := checkExecutable(f, arch); err != nil {
		return fmt.Errorf("agent %s %w; build it with CGO_ENABLED=0 GOOS=linux GOARCH=%s go build ./cmd/airlock-guest", path, err, arch)
	}
	return nil
}

// checkModule checks that r holds a kernel module (an ELF relocatable
// object) for arch.
func checkModule(r io.ReaderAt, arch string) error {
	f, err := elf.NewFile(r)
	if err != nil {
		return fmt.Errorf("parse ELF: %w", err)
	}
	defer f.Close()
	if f.Type != elf.ET_REL || f.Machine != elfMachine(arch) {
		return fmt.Errorf("is an ELF %v for %v, want ET_REL for %v", f.Type, f.Machine, elfMachine(arch))
	}
	return nil
}
