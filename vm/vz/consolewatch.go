package vz

import (
	"os"
	"time"
)

// watchSize checks the size of the file at path every interval until done
// is closed. The first time the file is larger than limit bytes, it calls
// over with the size and returns. A missing file counts as empty.
//
// The framework writes the serial console log itself, without a bound; a
// guest that floods its console is broken or hostile, and stopping it is
// what keeps it from filling the host disk.
func watchSize(path string, limit int64, interval time.Duration, done <-chan struct{}, over func(size int64)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			fi, err := os.Stat(path)
			if err == nil && fi.Size() > limit {
				over(fi.Size())
				return
			}
		}
	}
}
