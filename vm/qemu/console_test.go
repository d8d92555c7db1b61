package qemu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCappedFileBoundsConsole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "console.log")
	c, err := newCappedFile(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	chunk := []byte(strings.Repeat("x", 30))
	for range 1000 {
		if n, err := c.Write(chunk); n != len(chunk) || err != nil {
			t.Fatalf("Write = %d, %v; want all bytes accepted", n, err)
		}
	}
	c.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 200 {
		t.Errorf("console log grew to %d bytes, want about 100 plus one note", len(b))
	}
	if strings.Count(string(b), "truncated") != 1 {
		t.Errorf("want exactly one truncation note, got %q", b)
	}
}

func TestTailBufferKeepsEnd(t *testing.T) {
	tb := &tailBuffer{max: 5}
	tb.Write([]byte("hello "))
	tb.Write([]byte("world"))
	if got := tb.String(); got != "world" {
		t.Errorf("tail = %q, want %q", got, "world")
	}
}
