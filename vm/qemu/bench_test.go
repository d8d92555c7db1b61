package qemu_test

import (
	"context"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// BenchmarkBoot measures a cold boot to the agent handshake (start of
// QEMU to authenticated channel), then stops the machine untimed.
//
//	go test -run '^$' -bench Boot -benchtime 5x ./vm/qemu
func BenchmarkBoot(b *testing.B) {
	vmtest.RequireQEMU(b)
	cfg := vm.Config{Image: vmtest.Image(b)}
	backend := newBackend(b)
	ctx := context.Background()
	for b.Loop() {
		m, err := backend.Start(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		m.Stop(ctx)
		b.StartTimer()
	}
}

// BenchmarkPoolGet measures acquiring a machine when a warm spare is
// ready: the time a new session waits for its VM. Waiting for the pool to
// refill is not timed.
func BenchmarkPoolGet(b *testing.B) {
	vmtest.RequireQEMU(b)
	p := vm.NewPool(newBackend(b), vm.Config{Image: vmtest.Image(b)}, 1)
	defer p.Close(context.Background())
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		deadline := time.Now().Add(2 * time.Minute)
		for p.Ready() < 1 {
			if time.Now().After(deadline) {
				b.Fatal("pool did not refill in 2 minutes")
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.StartTimer()
		m, err := p.Get(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		m.Stop(ctx)
		b.StartTimer()
	}
}

// BenchmarkPing measures one request/response round trip over the agent
// channel (virtio-serial + yamux) of a running machine.
func BenchmarkPing(b *testing.B) {
	vmtest.RequireQEMU(b)
	ctx := context.Background()
	m, err := newBackend(b).Start(ctx, vm.Config{Image: vmtest.Image(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Stop(ctx)
	for b.Loop() {
		if _, err := m.Agent().Ping(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
