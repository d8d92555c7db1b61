package webpage

import (
	"os"
	"testing"
)

func BenchmarkDebugFile(b *testing.B) {
	f := os.Getenv("WP_FILE")
	if f == "" {
		b.Skip()
	}
	data, _ := os.ReadFile(f)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Parse(data, "text/html", nil, Options{})
	}
}
