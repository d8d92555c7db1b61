package vmtest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// testCrashDuringOverwrite kills the machine at a random moment while it
// overwrites a large file, several times, and checks the "nothing lost"
// rule on the host: the file is entirely old or entirely new, never torn
// or empty, and once the session has ended no staging file is left in the
// user's folder.
func testCrashDuringOverwrite(t *testing.T, h Harness) {
	const size = 16 << 20
	oldData := bytes.Repeat([]byte("old-content-0123"), size/16)
	newData := bytes.Repeat([]byte("NEW-CONTENT-4567"), size/16)
	share := t.TempDir()
	target := filepath.Join(share, "big.bin")
	shares := []vm.Share{{Name: "share", HostPath: share}}

	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	var sawOld, sawNew int
	window := 1500 * time.Millisecond
	for round := range rounds {
		must(t, os.WriteFile(target, oldData, 0o640))
		ctx, cancel := context.WithTimeout(context.Background(), h.BootTimeout)
		m, err := h.Backend.Start(ctx, vm.Config{Image: h.Image, Shares: shares})
		cancel()
		if err != nil {
			t.Fatalf("round %d: Start: %v", round, err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := m.Agent().WriteFile(context.Background(), guestproto.WriteArgs{PathArgs: guestproto.PathArgs{Mount: "share", Path: "big.bin"}}, bytes.NewReader(newData))
			done <- err
		}()
		// Kill somewhere between "just started" and "probably finished":
		// the window shrinks to the duration of a write that completed.
		delay := time.Duration(rand.Int64N(int64(window)))
		started := time.Now()
		var writeErr error
		select {
		case writeErr = <-done:
			window = max(time.Millisecond, time.Since(started)*11/10)
		case <-time.After(delay):
			must(t, h.Crash(m))
			writeErr = <-done
			m.Wait()
		}
		m.Stop(context.Background())

		got, err := os.ReadFile(target)
		if err != nil {
			t.Fatalf("round %d: host file gone: %v", round, err)
		}
		switch {
		case bytes.Equal(got, oldData):
			sawOld++
			if writeErr == nil {
				t.Errorf("round %d: write acknowledged but the host has the old content", round)
			}
		case bytes.Equal(got, newData):
			sawNew++
		default:
			t.Fatalf("round %d (kill after %v): host file torn: %d bytes", round, delay, len(got))
		}
		if fi, err := os.Stat(target); err == nil && fi.Mode().Perm() != 0o640 {
			t.Errorf("round %d: mode %v, want 0640 preserved", round, fi.Mode().Perm())
		}
		entries, _ := os.ReadDir(share)
		if len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("round %d: the share holds %v after the session, want only big.bin", round, names)
		}
	}
	t.Logf("%d rounds: %d ended with the old content, %d with the new", rounds, sawOld, sawNew)
}
