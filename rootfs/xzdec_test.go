package rootfs

import (
	"bytes"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// x86ish returns deterministic test data resembling machine code: random
// bytes with frequent E8/E9 opcodes followed by small displacements.
func x86ish(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := 0; i < n; i++ {
		switch rng.IntN(8) {
		case 0:
			b[i] = 0xE8
		case 1:
			b[i] = 0xE9
		case 2, 3:
			b[i] = 0x00
		case 4:
			b[i] = 0xFF
		default:
			b[i] = byte(rng.IntN(256))
		}
	}
	return b
}

// xzEncode compresses data with the xz package (LZMA2 only).
func xzEncode(t *testing.T, data []byte, check byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xz.WriterConfig{CheckSum: check, NoCheckSum: check == xz.None}.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xzCommandEncode compresses data with the xz program and extra arguments,
// skipping the test when the program is missing.
func xzCommandEncode(t *testing.T, data []byte, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("xz"); err != nil {
		t.Skip("xz program not installed")
	}
	cmd := exec.Command("xz", append([]string{"-c"}, args...)...)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xz %v: %v", args, err)
	}
	return out
}

func TestDecodeXZStreamChecksAndTrailingData(t *testing.T) {
	data := x86ish(200_000)
	for _, check := range []byte{xz.None, xz.CRC32, xz.CRC64, xz.SHA256} {
		stream := xzEncode(t, data, check)
		for _, trailer := range []string{"", "\x00\x00\x00\x00", "garbage after the stream", "\xFD7zXZ\x00 another stream"} {
			in := append(bytes.Clone(stream), trailer...)
			var out bytes.Buffer
			n, err := decodeXZStream(bytes.NewReader(in), &out, 1<<30)
			if err != nil {
				t.Fatalf("check %d, trailer %q: %v", check, trailer, err)
			}
			if n != int64(len(data)) || !bytes.Equal(out.Bytes(), data) {
				t.Fatalf("check %d, trailer %q: output differs", check, trailer)
			}
		}
	}
}

func TestDecodeXZStreamX86Filter(t *testing.T) {
	data := x86ish(300_000)
	cases := [][]string{
		{"--x86", "--lzma2=preset=6", "--check=crc32"},
		{"--x86", "--lzma2=dict=64KiB", "--check=crc64", "--block-size=50000"},
		{"--x86=start=4096", "--lzma2", "--check=sha256"},
		{"--check=none"},
	}
	for _, args := range cases {
		stream := xzCommandEncode(t, data, args...)
		in := append(stream, 0xde, 0xad, 0xbe, 0xef)
		var out bytes.Buffer
		if _, err := decodeXZStream(bytes.NewReader(in), &out, 1<<30); err != nil {
			t.Fatalf("xz %v: %v", args, err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("xz %v: output differs", args)
		}
	}
}

func TestDecodeXZStreamErrors(t *testing.T) {
	data := x86ish(50_000)
	stream := xzEncode(t, data, xz.CRC32)

	var out bytes.Buffer
	if _, err := decodeXZStream(bytes.NewReader(stream), &out, 1000); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("limit: got %v", err)
	}
	if _, err := decodeXZStream(bytes.NewReader(stream[:len(stream)/2]), &out, 1<<30); err == nil {
		t.Error("truncated stream accepted")
	}
	if _, err := decodeXZStream(strings.NewReader("not xz at all, not at all"), &out, 1<<30); err == nil {
		t.Error("bad magic accepted")
	}
	// Flip a byte in the middle of the compressed data: either LZMA2
	// decoding or the check must fail.
	bad := bytes.Clone(stream)
	bad[len(bad)/2] ^= 0x55
	if _, err := decodeXZStream(bytes.NewReader(bad), &out, 1<<30); err == nil {
		t.Error("corrupt stream accepted")
	}
	// Corrupt the footer magic.
	bad = bytes.Clone(stream)
	bad[len(bad)-1] = 'X'
	if _, err := decodeXZStream(bytes.NewReader(bad), &out, 1<<30); err == nil {
		t.Error("bad footer accepted")
	}
}

func TestReadXZVarint(t *testing.T) {
	cases := []struct {
		in   []byte
		want uint64
		ok   bool
	}{
		{[]byte{0x00}, 0, true},
		{[]byte{0x7F}, 127, true},
		{[]byte{0x80, 0x01}, 128, true},
		{[]byte{0xFF, 0xFF, 0x03}, 65535, true},
		{[]byte{0x80, 0x00}, 0, false},
		{[]byte{0x80}, 0, false},
		{bytes.Repeat([]byte{0xFF}, 10), 0, false},
	}
	for _, c := range cases {
		got, err := readXZVarint(bytes.NewReader(c.in))
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%x: got %d, %v", c.in, got, err)
		}
	}
}
