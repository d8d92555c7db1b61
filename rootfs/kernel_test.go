package rootfs

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// fakeBzImage wraps a kernel ELF the way a bzImage does: setup code, an
// xz-compressed payload and trailing data after the stream. With header
// set it carries a boot protocol header pointing at the payload.
func fakeBzImage(t *testing.T, vmlinux []byte, header bool) []byte {
	t.Helper()
	const setupSects = 3
	bz := make([]byte, (setupSects+1)*512)
	for i := range bz {
		bz[i] = byte(i * 7)
	}
	// Something that looks like the start of xz magic but is not.
	copy(bz[100:], []byte{0xFD, '7', 'z', 'X'})
	payload := 300 // offset of the payload inside the protected-mode code
	if header {
		bz[0x1F1] = setupSects
		copy(bz[0x202:], "HdrS")
		binary.LittleEndian.PutUint16(bz[0x206:], 0x20F)
		binary.LittleEndian.PutUint32(bz[0x248:], uint32(payload))
	}
	bz = append(bz, make([]byte, payload)...)
	bz = append(bz, xzEncode(t, vmlinux, xz.CRC32)...)
	// The kernel build appends the uncompressed size; then more code.
	bz = binary.LittleEndian.AppendUint32(bz, uint32(len(vmlinux)))
	return append(bz, []byte("trailing setup data that is not xz")...)
}

func TestExtractVmlinux(t *testing.T) {
	vmlinux := fakeVmlinux(true)
	for _, header := range []bool{true, false} {
		var out bytes.Buffer
		n, err := extractVmlinux(fakeBzImage(t, vmlinux, header), &out)
		if err != nil {
			t.Fatalf("header %v: %v", header, err)
		}
		if n != int64(len(vmlinux)) || !bytes.Equal(out.Bytes(), vmlinux) {
			t.Fatalf("header %v: output differs", header)
		}
		if err := checkPVH(bytes.NewReader(out.Bytes())); err != nil {
			t.Errorf("header %v: %v", header, err)
		}
	}
	if _, err := extractVmlinux([]byte(strings.Repeat("no payload", 100)), &bytes.Buffer{}); err == nil {
		t.Error("bzImage without xz payload accepted")
	}
}

func TestFindXZPayloadScan(t *testing.T) {
	data := append([]byte("garbage\xFD7zXZ-not-quite"), xzMagic...)
	off, err := findXZPayload(data)
	if err != nil || off != len(data)-len(xzMagic) {
		t.Errorf("got %d, %v", off, err)
	}
}

func TestCheckPVH(t *testing.T) {
	if err := checkPVH(bytes.NewReader(fakeVmlinux(true))); err != nil {
		t.Errorf("PVH kernel rejected: %v", err)
	}
	if err := checkPVH(bytes.NewReader(fakeVmlinux(false))); err == nil || !strings.Contains(err.Error(), "PVH") {
		t.Errorf("kernel without PVH note: got %v", err)
	}
	if err := checkPVH(bytes.NewReader(fakeModule(183, "name=x"))); err == nil {
		t.Error("arm64 object accepted as x86-64 kernel")
	}
	if err := checkPVH(strings.NewReader("MZ not an elf")); err == nil {
		t.Error("non-ELF accepted")
	}
}

func TestHasELFNoteTruncated(t *testing.T) {
	note := elfNote("Xen", xenElfnotePhys32Entry, []byte{1, 2, 3, 4})
	le := binary.LittleEndian
	if !hasELFNote(note, le, "Xen", xenElfnotePhys32Entry) {
		t.Fatal("note not found")
	}
	for i := range len(note) - 1 {
		hasELFNote(note[:i], le, "Xen", xenElfnotePhys32Entry) // must not panic
	}
	if hasELFNote(note[:len(note)-5], le, "Xen", xenElfnotePhys32Entry) {
		t.Error("note with truncated descriptor accepted")
	}
}

// fakeARM64Image returns bytes with the arm64 Image header magic.
func fakeARM64Image() []byte {
	img := make([]byte, 8192)
	for i := range img {
		img[i] = byte(i)
	}
	copy(img[56:], arm64ImageMagic)
	return img
}

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestExtractARM64Image(t *testing.T) {
	img := fakeARM64Image()
	for name, in := range map[string][]byte{"gzip": gzipBytes(t, img), "plain": img} {
		var out bytes.Buffer
		if _, err := extractARM64Image(in, &out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(out.Bytes(), img) {
			t.Errorf("%s: output differs", name)
		}
	}
	bad := bytes.Clone(img)
	copy(bad[56:], "ARM\x00")
	if _, err := extractARM64Image(gzipBytes(t, bad), &bytes.Buffer{}); err == nil {
		t.Error("Image without magic accepted")
	}
	if _, err := extractARM64Image([]byte("short"), &bytes.Buffer{}); err == nil {
		t.Error("short input accepted")
	}
}

func TestCheckARM64Image(t *testing.T) {
	if err := checkARM64Image(fakeARM64Image()[:64]); err != nil {
		t.Error(err)
	}
	if err := checkARM64Image(make([]byte, 64)); err == nil {
		t.Error("zero header accepted")
	}
	if err := checkARM64Image(fakeARM64Image()[:60]); err == nil {
		t.Error("short header accepted")
	}
}
