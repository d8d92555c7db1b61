package guest_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestproto"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

const benchSize = 64 << 20

// benchMachine starts the fake (in-process) backend on a temporary share.
func benchMachine(b *testing.B) (vm.Machine, string) {
	b.Helper()
	dir := b.TempDir()
	var f vmtest.Fake
	m, err := f.Start(context.Background(), vm.Config{Shares: []vm.Share{{Name: "share", HostPath: dir}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Stop(context.Background()) })
	return m, dir
}

// BenchmarkReadFile64MiB reads a 64 MiB file through the whole protocol
// stack over the fake backend's in-process pipe.
func BenchmarkReadFile64MiB(b *testing.B) {
	m, dir := benchMachine(b)
	if err := os.WriteFile(filepath.Join(dir, "big"), bytes.Repeat([]byte("0123456789abcdef"), benchSize/16), 0o644); err != nil {
		b.Fatal(err)
	}
	a := guestproto.ReadArgs{PathArgs: guestproto.PathArgs{Mount: "share", Path: "big"}, Limit: benchSize}
	b.SetBytes(benchSize)
	for b.Loop() {
		n, err := m.Agent().ReadFile(context.Background(), a, io.Discard)
		if err != nil || n != benchSize {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
}

// BenchmarkWriteFile64MiB writes a 64 MiB file (staged, fsynced, renamed)
// through the whole protocol stack over the fake backend.
func BenchmarkWriteFile64MiB(b *testing.B) {
	m, _ := benchMachine(b)
	data := bytes.Repeat([]byte("0123456789abcdef"), benchSize/16)
	a := guestproto.WriteArgs{PathArgs: guestproto.PathArgs{Mount: "share", Path: "big"}}
	b.SetBytes(benchSize)
	for b.Loop() {
		res, err := m.Agent().WriteFile(context.Background(), a, bytes.NewReader(data))
		if err != nil || res.Size != benchSize {
			b.Fatalf("wrote %d bytes: %v", res.Size, err)
		}
	}
}
