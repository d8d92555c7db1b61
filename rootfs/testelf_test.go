package rootfs

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// testSection is a section of a test ELF file.
type testSection struct {
	name string
	typ  elf.SectionType
	data []byte
}

// buildELF returns a minimal little-endian ELF64 file with the given
// sections; when notes is non-nil it is also exposed as a PT_NOTE segment,
// the way a kernel's vmlinux carries its notes.
func buildELF(typ elf.Type, machine elf.Machine, notes []byte, sections ...testSection) []byte {
	const (
		ehsize    = 64
		phentsize = 56
		shentsize = 64
	)
	le := binary.LittleEndian
	if notes != nil {
		sections = append(sections, testSection{".notes", elf.SHT_NOTE, notes})
	}
	var shstr bytes.Buffer
	shstr.WriteByte(0)
	nameOff := make([]uint32, len(sections)+1)
	for i, s := range sections {
		nameOff[i] = uint32(shstr.Len())
		shstr.WriteString(s.name + "\x00")
	}
	nameOff[len(sections)] = uint32(shstr.Len())
	shstr.WriteString(".shstrtab\x00")
	all := append(sections, testSection{".shstrtab", elf.SHT_STRTAB, shstr.Bytes()})

	phnum := 0
	if notes != nil {
		phnum = 1
	}
	off := uint64(ehsize + phnum*phentsize)
	offsets := make([]uint64, len(all))
	var body bytes.Buffer
	for i, s := range all {
		for (off+uint64(body.Len()))%8 != 0 {
			body.WriteByte(0)
		}
		offsets[i] = off + uint64(body.Len())
		body.Write(s.data)
	}
	for (off+uint64(body.Len()))%8 != 0 {
		body.WriteByte(0)
	}
	shoff := off + uint64(body.Len())

	var out bytes.Buffer
	hdr := elf.Header64{
		Type:      uint16(typ),
		Machine:   uint16(machine),
		Version:   uint32(elf.EV_CURRENT),
		Shoff:     shoff,
		Ehsize:    ehsize,
		Shentsize: shentsize,
		Shnum:     uint16(len(all) + 1),
		Shstrndx:  uint16(len(all)),
	}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	if phnum > 0 {
		hdr.Phoff = ehsize
		hdr.Phentsize = phentsize
		hdr.Phnum = uint16(phnum)
	}
	binary.Write(&out, le, hdr)
	if notes != nil {
		noteIdx := len(sections) - 1
		binary.Write(&out, le, elf.Prog64{
			Type:   uint32(elf.PT_NOTE),
			Off:    offsets[noteIdx],
			Filesz: uint64(len(notes)),
			Memsz:  uint64(len(notes)),
			Align:  4,
		})
	}
	out.Write(body.Bytes())
	binary.Write(&out, le, elf.Section64{})
	for i, s := range all {
		binary.Write(&out, le, elf.Section64{
			Name:      nameOff[i],
			Type:      uint32(s.typ),
			Off:       offsets[i],
			Size:      uint64(len(s.data)),
			Addralign: 1,
		})
	}
	return out.Bytes()
}

// elfNote encodes one ELF note.
func elfNote(owner string, typ uint32, desc []byte) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	name := owner + "\x00"
	binary.Write(&b, le, uint32(len(name)))
	binary.Write(&b, le, uint32(len(desc)))
	binary.Write(&b, le, typ)
	b.WriteString(name)
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	b.Write(desc)
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	return b.Bytes()
}

// fakeModule returns a kernel module object with the given .modinfo
// fields.
func fakeModule(machine elf.Machine, fields ...string) []byte {
	var info bytes.Buffer
	for _, f := range fields {
		info.WriteString(f + "\x00")
	}
	return buildELF(elf.ET_REL, machine, nil,
		testSection{".text", elf.SHT_PROGBITS, []byte{0xC3}},
		testSection{".modinfo", elf.SHT_PROGBITS, info.Bytes()},
	)
}

// fakeVmlinux returns an x86-64 executable ELF with a PVH entry note when
// pvh is set (and an unrelated Xen note otherwise).
func fakeVmlinux(pvh bool) []byte {
	notes := elfNote("Linux", 6, []byte("6.1.0-test"))
	if pvh {
		notes = append(notes, elfNote("Xen", xenElfnotePhys32Entry, []byte{0, 0x10, 0, 1})...)
	} else {
		notes = append(notes, elfNote("Xen", 1, []byte("linux\x00"))...)
	}
	return buildELF(elf.ET_EXEC, elf.EM_X86_64, notes,
		testSection{".text", elf.SHT_PROGBITS, bytes.Repeat([]byte{0x90}, 4096)},
	)
}
