package rootfs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxKernelSize bounds the size of a decompressed kernel.
const maxKernelSize = 512 << 20

// xenElfnotePhys32Entry is XEN_ELFNOTE_PHYS32_ENTRY, the ELF note carrying
// the 32-bit PVH entry point through which QEMU's microvm boots a vmlinux.
const xenElfnotePhys32Entry = 18

// arm64ImageMagic is found at offset 56 of an arm64 kernel Image.
const arm64ImageMagic = "ARM\x64"

// findXZPayload returns the offset of the xz-compressed kernel inside a
// bzImage. It trusts the boot protocol header's payload_offset when that
// points at an xz stream and otherwise scans for the xz magic.
func findXZPayload(bz []byte) (int, error) {
	const (
		setupSectsOff    = 0x1F1
		headerMagicOff   = 0x202
		versionOff       = 0x206
		payloadOffsetOff = 0x248
	)
	if len(bz) >= payloadOffsetOff+4 && string(bz[headerMagicOff:headerMagicOff+4]) == "HdrS" &&
		binary.LittleEndian.Uint16(bz[versionOff:]) >= 0x208 {
		setup := int(bz[setupSectsOff])
		if setup == 0 {
			setup = 4
		}
		off := (setup+1)*512 + int(binary.LittleEndian.Uint32(bz[payloadOffsetOff:]))
		if off >= 0 && off+len(xzMagic) <= len(bz) && bytes.Equal(bz[off:off+len(xzMagic)], xzMagic) {
			return off, nil
		}
	}
	if i := bytes.Index(bz, xzMagic); i >= 0 {
		return i, nil
	}
	return 0, errors.New("no xz payload in bzImage (kernel not built with CONFIG_KERNEL_XZ?)")
}

// extractVmlinux writes the uncompressed kernel ELF inside a bzImage to w.
func extractVmlinux(bz []byte, w io.Writer) (int64, error) {
	off, err := findXZPayload(bz)
	if err != nil {
		return 0, err
	}
	n, err := decodeXZStream(bytes.NewReader(bz[off:]), w, maxKernelSize)
	if err != nil {
		return n, fmt.Errorf("decompress bzImage payload: %w", err)
	}
	return n, nil
}

// checkPVH verifies that r holds an x86-64 ELF64 kernel with a PVH entry
// point, which is what QEMU needs to boot it with -kernel on -M microvm.
func checkPVH(r io.ReaderAt) error {
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil || string(magic[:]) != elf.ELFMAG {
		return errors.New("kernel is not an ELF file")
	}
	f, err := elf.NewFile(r)
	if err != nil {
		return fmt.Errorf("parse kernel ELF: %w", err)
	}
	defer f.Close()
	if f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_X86_64 {
		return fmt.Errorf("kernel is %v %v, want ELFCLASS64 EM_X86_64", f.Class, f.Machine)
	}
	var notes []io.Reader
	for _, p := range f.Progs {
		if p.Type == elf.PT_NOTE {
			notes = append(notes, p.Open())
		}
	}
	for _, s := range f.Sections {
		if s.Type == elf.SHT_NOTE {
			notes = append(notes, s.Open())
		}
	}
	for _, n := range notes {
		data, err := io.ReadAll(io.LimitReader(n, 1<<20))
		if err != nil {
			return fmt.Errorf("read kernel ELF notes: %w", err)
		}
		if hasELFNote(data, f.ByteOrder, "Xen", xenElfnotePhys32Entry) {
			return nil
		}
	}
	return errors.New("kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); it needs CONFIG_PVH")
}

// hasELFNote reports whether a note segment holds a note of the given
// owner and type.
func hasELFNote(data []byte, order binary.ByteOrder, owner string, typ uint32) bool {
	align4 := func(n uint64) uint64 { return (n + 3) &^ 3 }
	for len(data) >= 12 {
		namesz := uint64(order.Uint32(data[0:]))
		descsz := uint64(order.Uint32(data[4:]))
		ntype := order.Uint32(data[8:])
		rest := data[12:]
		if align4(namesz) > uint64(len(rest)) {
			return false
		}
		name := string(bytes.TrimRight(rest[:namesz], "\x00"))
		rest = rest[align4(namesz):]
		if descsz > uint64(len(rest)) {
			return false
		}
		if name == owner && ntype == typ {
			return true
		}
		data = rest[min(align4(descsz), uint64(len(rest))):]
	}
	return false
}

// extractARM64Image writes the uncompressed arm64 kernel Image to w.
// Debian ships it gzip-compressed as vmlinuz; an uncompressed Image is
// accepted as is.
func extractARM64Image(vmlinuz []byte, w io.Writer) (int64, error) {
	var r io.Reader = bytes.NewReader(vmlinuz)
	if bytes.HasPrefix(vmlinuz, []byte{0x1F, 0x8B}) {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return 0, fmt.Errorf("gunzip kernel: %w", err)
		}
		zr.Multistream(false)
		r = zr
	}
	br := bufio.NewReaderSize(io.LimitReader(r, maxKernelSize+1), 1<<20)
	head, err := br.Peek(64)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, fmt.Errorf("read kernel: %w", err)
	}
	if err := checkARM64Image(head); err != nil {
		return 0, err
	}
	n, err := io.Copy(w, br)
	if err != nil {
		return n, fmt.Errorf("decompress kernel: %w", err)
	}
	if n > maxKernelSize {
		return n, fmt.Errorf("kernel exceeds %d bytes", maxKernelSize)
	}
	return n, nil
}

// checkARM64Image verifies the arm64 Image header magic.
func checkARM64Image(head []byte) error {
	if len(head) < 64 || string(head[56:60]) != arm64ImageMagic {
		return errors.New("kernel is not an arm64 Image (no ARM\\x64 magic at offset 56)")
	}
	return nil
}
