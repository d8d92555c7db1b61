package qemu_test

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

const throughputSize = 64 << 20

// Throughput of a 64 MiB file through the VM (host -> agent channel ->
// guest -> 9p -> host file) next to plain host I/O on the same disk:
//
//	go test -run '^$' -bench 'File64MiB' -benchtime 5x ./vm/qemu
func benchMachine(b *testing.B) (vm.Machine, string) {
	vmtest.RequireQEMU(b)
	dir := b.TempDir()
	ctx := context.Background()
	m, err := newBackend(b).Start(ctx, vm.Config{Image: vmtest.Image(b), Shares: []vm.Share{{Name: "share", HostPath: dir}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Stop(ctx) })
	return m, dir
}

func BenchmarkWriteFile64MiB(b *testing.B) {
	m, _ := benchMachine(b)
	data := bytes.Repeat([]byte("0123456789abcdef"), throughputSize/16)
	b.SetBytes(throughputSize)
	for b.Loop() {
		_, err := m.Agent().WriteFile(context.Background(), guestproto.WriteArgs{PathArgs: guestproto.PathArgs{Mount: "share", Path: "big.bin"}}, bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadFile64MiB(b *testing.B) {
	m, dir := benchMachine(b)
	data := bytes.Repeat([]byte("0123456789abcdef"), throughputSize/16)
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(throughputSize)
	for b.Loop() {
		n, err := m.Agent().ReadFile(context.Background(), guestproto.ReadArgs{PathArgs: guestproto.PathArgs{Mount: "share", Path: "big.bin"}, Limit: throughputSize}, io.Discard)
		if err != nil || n != throughputSize {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
}

// BenchmarkHostWriteFile64MiB is the baseline: the same atomic write
// (temp file, fsync, rename) done directly on the host.
func BenchmarkHostWriteFile64MiB(b *testing.B) {
	dir := b.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), throughputSize/16)
	b.SetBytes(throughputSize)
	for b.Loop() {
		tmp := filepath.Join(dir, ".big.tmp")
		f, err := os.Create(tmp)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Write(data); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		if err := os.Rename(tmp, filepath.Join(dir, "big.bin")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHostReadFile64MiB is the baseline for reads.
func BenchmarkHostReadFile64MiB(b *testing.B) {
	dir := b.TempDir()
	p := filepath.Join(dir, "big.bin")
	if err := os.WriteFile(p, bytes.Repeat([]byte("0123456789abcdef"), throughputSize/16), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(throughputSize)
	for b.Loop() {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, f)
		f.Close()
		if err != nil || n != throughputSize {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkChannel64MiB streams 64 MiB of zeros from guest memory to the
// host: the agent channel alone (virtio-serial, yamux, framing), without
// 9p or the disk. Compare with BenchmarkReadFile64MiB to see which part
// dominates.
func BenchmarkChannel64MiB(b *testing.B) {
	vmtest.RequireQEMU(b)
	ctx := context.Background()
	m, err := newBackend(b).Start(ctx, vm.Config{Image: vmtest.Image(b), SelfTest: true})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Stop(ctx)
	b.SetBytes(throughputSize)
	for b.Loop() {
		n, err := m.Agent().CallData(ctx, guestproto.OpProbeZero, guestproto.ProbeArgs{Size: throughputSize}, nil, io.Discard, throughputSize)
		if err != nil || n != throughputSize {
			b.Fatalf("got %d bytes: %v", n, err)
		}
	}
}
