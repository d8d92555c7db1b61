package qemu

import (
	"fmt"
	"os"
	"sync"
)

// cappedFile writes to a file until it holds max bytes, then drops the
// rest and notes once that it did. It bounds what a guest flooding its
// serial console can cost the host.
type cappedFile struct {
	mu      sync.Mutex
	f       *os.File
	n, max  int64
	dropped bool
}

func newCappedFile(path string, max int64) (*cappedFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	return &cappedFile{f: f, max: max}, nil
}

// Write never fails, so QEMU's output pipe is always drained.
func (c *cappedFile) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	room := c.max - c.n
	if room <= 0 {
		if !c.dropped {
			c.dropped = true
			fmt.Fprintf(c.f, "\n[airlock: console log truncated at %d bytes]\n", c.max)
		}
		return len(p), nil
	}
	w := p
	if int64(len(w)) > room {
		w = w[:room]
	}
	n, _ := c.f.Write(w)
	c.n += int64(n)
	return len(p), nil
}

func (c *cappedFile) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.f.Close()
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
