package vz

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWatchSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "console.log")
	done := make(chan struct{})
	fired := make(chan int64, 1)
	finished := make(chan struct{})
	go func() {
		watchSize(path, 100, time.Millisecond, done, func(n int64) { fired <- n })
		close(finished)
	}()

	// A missing file and a file within the limit do not fire.
	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(path, make([]byte, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	select {
	case n := <-fired:
		t.Fatalf("fired at %d bytes, limit 100", n)
	default:
	}

	if err := os.WriteFile(path, make([]byte, 101), 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-fired:
		if n != 101 {
			t.Errorf("fired with size %d, want 101", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not fire for a file over the limit")
	}
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("did not return after firing")
	}
}

func TestWatchSizeStopsWhenDone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none")
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		watchSize(path, 0, time.Millisecond, done, func(int64) { t.Error("fired for a missing file") })
		close(finished)
	}()
	close(done)
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("did not return after done was closed")
	}
}
