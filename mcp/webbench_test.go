package mcp

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/vm/qemu"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// BenchmarkWebFetchVersusDirect fetches the same local page directly on
// the host (net/http) and with web_fetch through a real VM, the guest's
// CONNECT proxy, the agent channel and the egress gate, and reports the
// medians and their ratio:
//
//	go test -run '^$' -bench WebFetchVersusDirect -benchtime 50x ./mcp
func BenchmarkWebFetchVersusDirect(b *testing.B) {
	vmtest.RequireQEMU(b)
	f := newWebFixture(b, &qemu.Backend{RunDir: b.TempDir()}, vmtest.Image(b))
	url := f.plain.URL + "/"
	direct := func() time.Duration {
		start := time.Now()
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start)
	}
	viaVM := func() time.Duration {
		var req mcpgo.CallToolRequest
		req.Params.Name = "web_fetch"
		req.Params.Arguments = map[string]any{"url": url}
		start := time.Now()
		res, err := f.c.CallTool(context.Background(), req)
		if err != nil || res.IsError || !strings.Contains(resultText(res), "herons") {
			b.Fatalf("web_fetch: %v %s", err, resultText(res))
		}
		return time.Since(start)
	}
	viaVM() // boot the VM and configure the guest outside the timing
	var ds, vs []time.Duration
	b.ResetTimer()
	for b.Loop() {
		ds = append(ds, direct())
		vs = append(vs, viaVM())
	}
	med := func(xs []time.Duration) time.Duration {
		sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
		return xs[len(xs)/2]
	}
	md, mv := med(ds), med(vs)
	b.ReportMetric(float64(md.Microseconds())/1000, "direct-ms")
	b.ReportMetric(float64(mv.Microseconds())/1000, "airlock-ms")
	b.ReportMetric(float64(mv)/float64(md), "ratio")
}
