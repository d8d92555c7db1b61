package rootfs

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
)

// parsedEntry is one entry read back from a newc archive.
type parsedEntry struct {
	name                string
	ino, mode, uid, gid uint32
	nlink, mtime        uint32
	rmaj, rmin          uint32
	data                []byte
}

// parseCPIO reads a newc archive, checking magic, padding and the trailer.
// It returns the entries before the trailer.
func parseCPIO(t *testing.T, archive []byte) []parsedEntry {
	t.Helper()
	var entries []parsedEntry
	off := 0
	for {
		if off%4 != 0 {
			t.Fatalf("entry at %d not 4-aligned", off)
		}
		if off+cpioHeaderSize > len(archive) {
			t.Fatalf("truncated header at %d", off)
		}
		h := archive[off : off+cpioHeaderSize]
		if string(h[:6]) != "070701" {
			t.Fatalf("bad magic %q at %d", h[:6], off)
		}
		field := func(i int) uint32 {
			s := string(h[6+8*i : 14+8*i])
			v, err := strconv.ParseUint(s, 16, 32)
			if err != nil || strings.ToUpper(s) != s {
				t.Fatalf("bad field %d %q", i, s)
			}
			return uint32(v)
		}
		e := parsedEntry{
			ino: field(0), mode: field(1), uid: field(2), gid: field(3),
			nlink: field(4), mtime: field(5), rmaj: field(9), rmin: field(10),
		}
		size := int(field(6))
		nameSize := int(field(11))
		if field(12) != 0 {
			t.Errorf("non-zero check field")
		}
		nameEnd := off + cpioHeaderSize + nameSize
		if archive[nameEnd-1] != 0 {
			t.Fatalf("name not NUL-terminated at %d", off)
		}
		e.name = string(archive[off+cpioHeaderSize : nameEnd-1])
		dataStart := nameEnd + pad4(cpioHeaderSize+nameSize)
		for _, b := range archive[nameEnd:dataStart] {
			if b != 0 {
				t.Fatalf("%s: non-zero name padding", e.name)
			}
		}
		e.data = archive[dataStart : dataStart+size]
		off = dataStart + size + pad4(size)
		for _, b := range archive[dataStart+size : off] {
			if b != 0 {
				t.Fatalf("%s: non-zero data padding", e.name)
			}
		}
		if e.name == cpioTrailer {
			if off != len(archive) {
				t.Fatalf("%d bytes after trailer", len(archive)-off)
			}
			return entries
		}
		entries = append(entries, e)
	}
}

func TestCPIOWriterRoundTrip(t *testing.T) {
	// Names and sizes of every length modulo four exercise the padding.
	var buf bytes.Buffer
	cw := newCPIOWriter(&buf)
	if err := cw.dir("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for i := range 8 {
		name := "d/" + strings.Repeat("n", i+1)
		data := strings.Repeat("x", i*3)
		files[name] = data
		if err := cw.file(name, 0o640, int64(len(data)), strings.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.charDevice("dev-console", 0o600, 5, 1); err != nil {
		t.Fatal(err)
	}
	if err := cw.close(); err != nil {
		t.Fatal(err)
	}
	entries := parseCPIO(t, buf.Bytes())
	if len(entries) != 10 {
		t.Fatalf("got %d entries", len(entries))
	}
	if e := entries[0]; e.name != "d" || e.mode != 0o040755 || e.nlink != 2 {
		t.Errorf("dir entry: %+v", e)
	}
	for i, e := range entries {
		if e.uid != 0 || e.gid != 0 || e.mtime != 0 || e.ino != uint32(i+1) {
			t.Errorf("%s: uid %d gid %d mtime %d ino %d", e.name, e.uid, e.gid, e.mtime, e.ino)
		}
		if want, ok := files[e.name]; ok {
			if string(e.data) != want || e.mode != 0o100640 || e.nlink != 1 {
				t.Errorf("%s: mode %o data %q", e.name, e.mode, e.data)
			}
		}
	}
	if e := entries[9]; e.mode != 0o020600 || e.rmaj != 5 || e.rmin != 1 || len(e.data) != 0 {
		t.Errorf("char device: %+v", e)
	}
}

func TestCPIOWriterErrors(t *testing.T) {
	cw := newCPIOWriter(io.Discard)
	for _, name := range []string{"", "/", "a//b", "../x", "a/../b", "dir/", cpioTrailer} {
		if err := newCPIOWriter(io.Discard).dir(name, 0o755); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
	if err := cw.file("short", 0o644, 10, strings.NewReader("abc")); err == nil {
		t.Error("short data accepted")
	}
	if err := cw.dir("after-error", 0o755); err == nil {
		t.Error("writer usable after an error")
	}
	cw = newCPIOWriter(io.Discard)
	cw.close()
	if err := cw.dir("late", 0o755); err == nil {
		t.Error("write after close accepted")
	}
	cw = newCPIOWriter(failWriter{})
	if err := cw.dir("x", 0o755); err == nil {
		t.Error("write error ignored")
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestReadCPIOFiles(t *testing.T) {
	// Names and sizes of every length modulo four exercise the padding.
	var buf bytes.Buffer
	cw := newCPIOWriter(&buf)
	cw.dir("d", 0o755)
	want := map[string]string{}
	for i := range 8 {
		name := "d/" + strings.Repeat("n", i+1)
		data := strings.Repeat(string(rune('a'+i)), i*3)
		want[name] = data
		cw.file(name, 0o640, int64(len(data)), strings.NewReader(data))
	}
	cw.charDevice("dev/console", 0o600, 5, 1)
	if err := cw.close(); err != nil {
		t.Fatal(err)
	}
	archive := buf.Bytes()
	files, err := readCPIOFiles(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Fatalf("got %d files, want %d (directories and devices are left out): %+v", len(files), len(want), files)
	}
	for _, f := range files {
		got := string(archive[f.offset : f.offset+f.size])
		if got != want[f.name] || f.mode != 0o100640 {
			t.Errorf("%s: mode %o content %q, want %q", f.name, f.mode, got, want[f.name])
		}
	}
}

func TestReadCPIOFilesErrors(t *testing.T) {
	var buf bytes.Buffer
	cw := newCPIOWriter(&buf)
	cw.file("init", 0o755, 5, strings.NewReader("hello"))
	cw.close()
	good := buf.Bytes()
	// The "init" entry's size field is the 7th of 13.
	sizeField := 6 + 8*6
	cases := map[string][]byte{
		"empty":        nil,
		"no trailer":   good[:len(good)-cpioHeaderSize-12],
		"bad magic":    append([]byte("070707"), good[6:]...),
		"bad field":    append(append(bytes.Clone(good[:sizeField]), "0000000Z"...), good[sizeField+8:]...),
		"past the end": append(append(bytes.Clone(good[:sizeField]), "00FFFFFF"...), good[sizeField+8:]...),
		"name no NUL":  bytes.Replace(bytes.Clone(good), []byte("init\x00"), []byte("initX"), 1),
	}
	for name, archive := range cases {
		if files, err := readCPIOFiles(bytes.NewReader(archive), int64(len(archive))); err == nil {
			t.Errorf("%s: accepted: %+v", name, files)
		}
	}
}
