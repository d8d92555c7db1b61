package rootfs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os/exec"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

func TestDecompressor(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	data := bytes.Repeat([]byte("data archive content "), 10000)
	inputs := map[string][]byte{
		"data.tar":    data,
		"data.tar.gz": gzipBytes(t, data),
		"data.tar.xz": xzEncode(t, data, xz.CRC64),
	}
	for _, prog := range []string{"xz", ""} {
		old := xzProgram
		xzProgram = prog
		for name, in := range inputs {
			rc, err := decompressor(context.Background(), name, bytes.NewReader(in), log)
			if err != nil {
				t.Fatalf("%s (xz program %q): %v", name, prog, err)
			}
			got, err := io.ReadAll(rc)
			if cerr := rc.Close(); err == nil {
				err = cerr
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("%s (xz program %q): %d bytes, %v", name, prog, len(got), err)
			}
		}
		xzProgram = old
	}
	if _, err := decompressor(context.Background(), "data.tar.zst", strings.NewReader(""), log); !errors.Is(err, errZstd) {
		t.Errorf("zst: %v", err)
	}
	if _, err := decompressor(context.Background(), "data.tar.bz2", strings.NewReader(""), log); err == nil {
		t.Error("unknown compression accepted")
	}
	if _, err := decompressor(context.Background(), "data.tar.gz", strings.NewReader("not gzip"), log); err == nil {
		t.Error("bad gzip accepted")
	}
}

func TestDecompressorXZFailures(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	data := bytes.Repeat([]byte("x"), 100000)
	corrupt := xzEncode(t, data, xz.CRC64)
	corrupt = corrupt[:len(corrupt)-20]
	for _, prog := range []string{"xz", ""} {
		if prog != "" {
			if _, err := exec.LookPath(prog); err != nil {
				continue
			}
		}
		old := xzProgram
		xzProgram = prog
		rc, err := decompressor(context.Background(), "data.tar.xz", bytes.NewReader(corrupt), log)
		if err == nil {
			_, err = io.ReadAll(rc)
			rc.Close()
		}
		xzProgram = old
		if err == nil {
			t.Errorf("xz program %q: truncated stream accepted", prog)
		}
	}
}

func TestDecompressorEarlyClose(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	in := xzEncode(t, bytes.Repeat([]byte("0123456789"), 1<<20), xz.CRC64)
	for _, prog := range []string{"xz", ""} {
		old := xzProgram
		xzProgram = prog
		rc, err := decompressor(context.Background(), "data.tar.xz", bytes.NewReader(in), log)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		if _, err := io.ReadFull(rc, buf); err != nil {
			t.Fatal(err)
		}
		if err := rc.Close(); err != nil {
			t.Errorf("xz program %q: early close: %v", prog, err)
		}
		xzProgram = old
	}
}
