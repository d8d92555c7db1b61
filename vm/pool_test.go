package vm_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

func waitReady(t *testing.T, p *vm.Pool, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for p.Ready() < n {
		if time.Now().After(deadline) {
			t.Fatalf("pool has %d spares, want %d", p.Ready(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestPoolHandsOutEachMachineOnce(t *testing.T) {
	fake := &vmtest.Fake{}
	p := vm.NewPool(fake, vm.Config{}, 2)
	defer p.Close(context.Background())
	waitReady(t, p, 2)

	ctx := context.Background()
	seen := map[string]bool{}
	for range 5 {
		m, err := p.Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if seen[m.ID()] {
			t.Fatalf("machine %s handed out twice", m.ID())
		}
		seen[m.ID()] = true
		if _, err := m.Agent().Ping(ctx); err != nil {
			t.Errorf("machine from pool does not answer: %v", err)
		}
		m.Stop(ctx)
	}
	waitReady(t, p, 2) // refilled
	if fake.Booted() < 7 {
		t.Errorf("booted %d machines, want at least 5 handed out + 2 spares", fake.Booted())
	}
}

func TestPoolSkipsDeadSpare(t *testing.T) {
	fake := &vmtest.Fake{}
	p := vm.NewPool(fake, vm.Config{}, 1)
	defer p.Close(context.Background())
	waitReady(t, p, 1)
	ctx := context.Background()
	spare := fake.Last()
	if err := vmtest.CrashFake(spare); err != nil {
		t.Fatal(err)
	}
	spare.Wait()
	m, err := p.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop(ctx)
	if m.ID() == spare.ID() {
		t.Fatal("pool handed out a spare that died while idle")
	}
	if _, err := m.Agent().Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestPoolClose(t *testing.T) {
	p := vm.NewPool(&vmtest.Fake{}, vm.Config{}, 1)
	waitReady(t, p, 1)
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Get(context.Background()); !errors.Is(err, vm.ErrPoolClosed) {
		t.Errorf("Get after Close = %v, want ErrPoolClosed", err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func BenchmarkPoolGetFake(b *testing.B) {
	p := vm.NewPool(&vmtest.Fake{}, vm.Config{}, 1)
	defer p.Close(context.Background())
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		for p.Ready() < 1 {
			time.Sleep(100 * time.Microsecond)
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
