package egress

import (
	"sync/atomic"
	"time"
)

// window is a sliding-window rate cap: at most max events in any span.
// It is not safe for concurrent use; the Gate guards it with its mutex.
type window struct {
	max   int
	span  time.Duration
	times []time.Time // ring of the last max admitted events
	next  int         // when full, the index of the oldest event
}

// admit records an event at now and reports true if fewer than max
// events were admitted in the span before now; otherwise it records
// nothing and reports false.
func (w *window) admit(now time.Time) bool {
	if len(w.times) < w.max {
		w.times = append(w.times, now)
		return true
	}
	if now.Sub(w.times[w.next]) < w.span {
		return false
	}
	w.times[w.next] = now
	w.next = (w.next + 1) % w.max
	return true
}

// budget is a byte allowance shared by all connections of a session.
// Reads and writes reserve their size before the I/O and give back what
// they did not use, so the total never exceeds max even with concurrent
// connections. The price is that an outstanding reservation (a Read
// waiting for data) can make another connection see the budget spent a
// little early, only when less than one buffer is left.
type budget struct {
	max  int64
	used atomic.Int64
}

// take reserves up to n bytes and returns how many it reserved (0 when
// the budget is spent).
func (b *budget) take(n int) int {
	for {
		used := b.used.Load()
		left := b.max - used
		if left <= 0 {
			return 0
		}
		got := min(int64(n), left)
		if b.used.CompareAndSwap(used, used+got) {
			return int(got)
		}
	}
}

// giveBack returns an unused reservation.
func (b *budget) giveBack(n int) {
	if n > 0 {
		b.used.Add(-int64(n))
	}
}

// spent reports whether nothing is left.
func (b *budget) spent() bool { return b.used.Load() >= b.max }
