package rootfs

import (
	"bytes"
	"testing"
)

func TestFormatSize(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{999, "999 B"},
		{40_000, "40 kB"},
		{7_100_000, "7.1 MB"},
		{65_905_060, "66 MB"},
		{70_305_560, "70 MB"},
		{2_500_000_000, "2.5 GB"},
	}
	for _, c := range cases {
		if got := formatSize(c.n); got != c.want {
			t.Errorf("formatSize(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestProgressPrintf(t *testing.T) {
	var buf bytes.Buffer
	progress{w: &buf}.printf("%d modules", 12)
	if got := buf.String(); got != "rootfs: 12 modules\n" {
		t.Errorf("got %q", got)
	}
	progress{}.printf("nothing happens with a nil writer")
}
