package egress

import (
	"sync"
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	w := window{max: 2, span: time.Minute}
	t0 := time.Unix(0, 0)
	steps := []struct {
		at   time.Duration
		want bool
	}{
		{0, true}, {time.Second, true}, {2 * time.Second, false},
		{time.Minute - 1, false}, {time.Minute, true}, {time.Minute + time.Second, true},
		{time.Minute + 2*time.Second, false}, {2 * time.Minute, true},
	}
	for _, s := range steps {
		if got := w.admit(t0.Add(s.at)); got != s.want {
			t.Errorf("admit at %v = %v, want %v", s.at, got, s.want)
		}
	}
}

func TestBudgetConcurrent(t *testing.T) {
	b := &budget{max: 1000}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				got := b.take(7)
				b.giveBack(got / 3) // as if the I/O was short
				mu.Lock()
				total += got - got/3
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if total > 1000 || b.used.Load() != int64(total) {
		t.Errorf("total %d, used %d, max 1000", total, b.used.Load())
	}
}
