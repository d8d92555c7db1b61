//go:build unix

package rootfs

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockCacheExcludes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := lockCache(context.Background(), path, progress{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*lockPollInterval)
	defer cancel()
	if _, err := lockCache(ctx, path, progress{w: &out}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock: got %v, want deadline exceeded", err)
	}
	if !strings.Contains(out.String(), "waiting for another build") {
		t.Errorf("no waiting message, got %q", out.String())
	}

	// Once released, a waiting locker gets the lock.
	got := make(chan error, 1)
	go func() {
		unlock2, err := lockCache(context.Background(), path, progress{})
		if err == nil {
			unlock2()
		}
		got <- err
	}()
	time.Sleep(2 * lockPollInterval)
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiting locker never got the lock")
	}
}

func TestLockCacheBadPath(t *testing.T) {
	if _, err := lockCache(context.Background(), filepath.Join(t.TempDir(), "missing", "lock"), progress{}); err == nil {
		t.Error("lock in a missing directory succeeded")
	}
}
