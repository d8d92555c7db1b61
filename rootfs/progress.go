package rootfs

import (
	"fmt"
	"io"
)

// progress writes short human-readable lines to an optional writer.
type progress struct {
	w io.Writer
}

// printf writes one line prefixed with "rootfs: ". Write errors are ignored:
// progress output is advisory and must never fail a build.
func (p progress) printf(format string, args ...any) {
	if p.w == nil {
		return
	}
	fmt.Fprintf(p.w, "rootfs: "+format+"\n", args...)
}

// formatSize renders a byte count the way progress lines show it, in
// decimal units: "512 B", "40 kB", "7.1 MB", "66 MB".
func formatSize(n int64) string {
	const (
		kB = 1000
		MB = 1000 * kB
		GB = 1000 * MB
	)
	switch {
	case n < kB:
		return fmt.Sprintf("%d B", n)
	case n < MB:
		return scaled(n, kB, "kB")
	case n < GB:
		return scaled(n, MB, "MB")
	default:
		return scaled(n, GB, "GB")
	}
}

// scaled formats n/unit with one decimal below 10 and none above.
func scaled(n, unit int64, suffix string) string {
	v := float64(n) / float64(unit)
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, suffix)
	}
	return fmt.Sprintf("%.0f %s", v, suffix)
}
