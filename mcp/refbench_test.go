package mcp

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestproto"
	"github.com/airlock-dev/airlock/vm/qemu"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

// The reference benchmark drives airlock and the reference filesystem
// server (@modelcontextprotocol/server-filesystem, which reads the host's
// files directly from Node) with the same mcp-go stdio client, on the same
// files, and compares per-call latency. It measures; it never asserts on
// wall time.
//
//	go test -run '^$' -bench VersusReference -benchtime 300x ./mcp
//	AIRLOCK_REFBENCH=1 go test -run 'TestVersusReference' -v -count 1 ./mcp

const (
	refbenchWarmup  = 10
	refbenchCalls   = 300
	refbenchEntries = 1000
	refbenchFile    = 4 << 10
	// refbenchLayerListCalls is how many listings TestVersusReferenceLayers
	// times per layer.
	refbenchLayerListCalls = 30
	// bootTimeout bounds the first airlock call, which waits for the VM.
	bootTimeout = 3 * time.Minute
)

const refServerPkg = "@modelcontextprotocol/server-filesystem"

// benchData is a folder with a 4 KiB text file and a directory of 1,000
// entries.
type benchData struct {
	dir, file, many string
	content         string
}

func newBenchData(tb testing.TB) benchData {
	tb.Helper()
	d := benchData{dir: tb.TempDir()}
	d.file = filepath.Join(d.dir, "text-4k.txt")
	d.many = filepath.Join(d.dir, "many")
	var sb strings.Builder
	for i := 0; sb.Len() < refbenchFile; i++ {
		fmt.Fprintf(&sb, "line %04d: the quick brown fox jumps over the lazy dog\n", i)
	}
	d.content = sb.String()[:refbenchFile-1] + "\n"
	if err := os.WriteFile(d.file, []byte(d.content), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.Mkdir(d.many, 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := range refbenchEntries {
		name := filepath.Join(d.many, fmt.Sprintf("entry-%04d.txt", i))
		if err := os.WriteFile(name, []byte("x\n"), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return d
}

// benchCall is one measured tool call and a check of its answer.
type benchCall struct {
	tool  string
	args  map[string]any
	check func(text string) error
}

func benchCalls(d benchData) []benchCall {
	return []benchCall{
		{"read_text_file", map[string]any{"path": d.file}, func(text string) error {
			if text != d.content {
				return fmt.Errorf("read %d bytes, want the %d-byte file", len(text), len(d.content))
			}
			return nil
		}},
		{"list_directory", map[string]any{"path": d.many}, func(text string) error {
			if n := strings.Count(text, "[FILE] entry-"); n != refbenchEntries {
				return fmt.Errorf("listed %d entries, want %d: %.200q", n, refbenchEntries, text)
			}
			return nil
		}},
	}
}

// benchServer is a running MCP server and a client connected to it.
type benchServer struct {
	name   string
	c      *client.Client
	mu     sync.Mutex
	stderr bytes.Buffer
	close  func()
}

func (s *benchServer) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// startStdio spawns a server over stdio and initializes an mcp-go client.
func startStdio(tb testing.TB, name, command string, env, args []string) *benchServer {
	tb.Helper()
	s := &benchServer{name: name}
	tr := transport.NewStdioWithOptions(command, env, args,
		transport.WithCommandStderrWriter(lockedWriter{&s.mu, &s.stderr}))
	s.c = client.NewClient(tr)
	ctx := context.Background()
	if err := s.c.Start(ctx); err != nil {
		tb.Fatalf("%s: start: %v", name, err)
	}
	var ir mcpgo.InitializeRequest
	ir.Params.ClientInfo = mcpgo.Implementation{Name: "refbench", Version: "1"}
	if _, err := s.c.Initialize(ctx, ir); err != nil {
		tb.Fatalf("%s: initialize: %v\n%s", name, err, s.log())
	}
	s.close = func() { s.c.Close() }
	return s
}

// benchAirlock starts `airlock serve --mount DIR` (read-only).
func benchAirlock(tb testing.TB, img vm.Image, d benchData) *benchServer {
	return startStdio(tb, "airlock", airlockBinary(tb),
		[]string{"AIRLOCK_IMAGE=" + filepath.Dir(img.Kernel), "NO_COLOR=1"},
		[]string{"serve", "--mount", d.dir})
}

// benchReference starts the reference server on DIR.
func benchReference(tb testing.TB, node, nodeDir string, d benchData) *benchServer {
	entry := filepath.Join(nodeDir, "node_modules", refServerPkg, "dist", "index.js")
	return startStdio(tb, "reference", node, nil, []string{entry, d.dir})
}

// callText makes one tool call; an isError result is an error.
func callText(ctx context.Context, c *client.Client, tool string, args map[string]any) (string, error) {
	var req mcpgo.CallToolRequest
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "", err
	}
	var text strings.Builder
	for _, ct := range res.Content {
		if tc, ok := ct.(mcpgo.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if res.IsError {
		return "", fmt.Errorf("isError: %s", text.String())
	}
	return text.String(), nil
}

// warmUp makes refbenchWarmup calls and checks the answers. The first
// may wait for airlock's VM to boot; it gets bootTimeout.
func warmUp(tb testing.TB, s *benchServer, bc benchCall) {
	tb.Helper()
	for i := range refbenchWarmup {
		timeout := time.Minute
		if i == 0 {
			timeout = bootTimeout
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		text, err := callText(ctx, s.c, bc.tool, bc.args)
		cancel()
		if err == nil {
			err = bc.check(text)
		}
		if err != nil {
			tb.Fatalf("%s %s: %v\nserver stderr:\n%s", s.name, bc.tool, err, s.log())
		}
	}
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// BenchmarkVersusReference measures per-call latency of read_text_file
// (4 KiB) and list_directory (1,000 entries) in airlock and in the
// reference server. Besides ns/op it reports p50-µs and p99-µs. Use
// -benchtime 300x for the 300 calls the report uses.
func BenchmarkVersusReference(b *testing.B) {
	vmtest.RequireQEMU(b)
	img := vmtest.Image(b)
	node, dir := requireNode(b, refServerPkg)
	d := newBenchData(b)
	servers := []struct {
		name  string
		start func(testing.TB) *benchServer
	}{
		{"airlock", func(tb testing.TB) *benchServer { return benchAirlock(tb, img, d) }},
		{"reference", func(tb testing.TB) *benchServer { return benchReference(tb, node, dir, d) }},
	}
	for _, srv := range servers {
		b.Run("server="+srv.name, func(b *testing.B) {
			// One server at a time, so an idle VM does not share the CPUs
			// with the reference's measurement.
			s := srv.start(b)
			defer s.close()
			for _, bc := range benchCalls(d) {
				b.Run("tool="+bc.tool, func(b *testing.B) {
					warmUp(b, s, bc)
					ctx := context.Background()
					durs := make([]time.Duration, 0, refbenchCalls)
					for b.Loop() {
						start := time.Now()
						_, err := callText(ctx, s.c, bc.tool, bc.args)
						durs = append(durs, time.Since(start))
						if err != nil {
							b.Fatalf("%s %s: %v", s.name, bc.tool, err)
						}
					}
					slices.Sort(durs)
					b.ReportMetric(micros(percentile(durs, 50)), "p50-µs")
					b.ReportMetric(micros(percentile(durs, 99)), "p99-µs")
				})
			}
		})
	}
}

// latency is one measured series.
type latency struct {
	server, tool string
	p50, p99     time.Duration
	mean         time.Duration
}

func summarize(server, tool string, durs []time.Duration) latency {
	slices.Sort(durs)
	var sum time.Duration
	for _, d := range durs {
		sum += d
	}
	return latency{server: server, tool: tool, p50: percentile(durs, 50), p99: percentile(durs, 99), mean: sum / time.Duration(max(len(durs), 1))}
}

// measure times n calls of fn after its warm-up.
func measure(tb testing.TB, n int, fn func() error) []time.Duration {
	tb.Helper()
	durs := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		err := fn()
		durs = append(durs, time.Since(start))
		if err != nil {
			tb.Fatal(err)
		}
	}
	return durs
}

func requireRefbench(t *testing.T) {
	t.Helper()
	if os.Getenv("AIRLOCK_REFBENCH") != "1" {
		t.Skip("a measurement, not a check: set AIRLOCK_REFBENCH=1 to run it (and -v to see the table)")
	}
}

func fmtMS(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }

// TestVersusReferenceReport prints p50/p99 per (server, tool) and the
// airlock/reference ratios. It runs only with AIRLOCK_REFBENCH=1.
func TestVersusReferenceReport(t *testing.T) {
	requireRefbench(t)
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	node, dir := requireNode(t, refServerPkg)
	d := newBenchData(t)

	var rows []latency
	for _, srv := range []struct {
		name  string
		start func() *benchServer
	}{
		{"reference", func() *benchServer { return benchReference(t, node, dir, d) }},
		{"airlock", func() *benchServer { return benchAirlock(t, img, d) }},
	} {
		s := srv.start()
		for _, bc := range benchCalls(d) {
			warmUp(t, s, bc)
			ctx := context.Background()
			durs := measure(t, refbenchCalls, func() error {
				_, err := callText(ctx, s.c, bc.tool, bc.args)
				return err
			})
			rows = append(rows, summarize(srv.name, bc.tool, durs))
		}
		s.close()
	}

	var out strings.Builder
	fmt.Fprintf(&out, "%d calls each after %d warm-up calls; accelerator: %s\n", refbenchCalls, refbenchWarmup, accelNote())
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "tool\tserver\tp50 ms\tp99 ms\tmean ms\tp50 ratio\tp99 ratio\t")
	for _, tool := range []string{"read_text_file", "list_directory"} {
		var ref latency
		for _, r := range rows {
			if r.tool == tool && r.server == "reference" {
				ref = r
			}
		}
		for _, r := range rows {
			if r.tool != tool {
				continue
			}
			ratio50, ratio99 := "", ""
			if r.server == "airlock" && ref.p50 > 0 {
				ratio50 = fmt.Sprintf("%.1fx", float64(r.p50)/float64(ref.p50))
				ratio99 = fmt.Sprintf("%.1fx", float64(r.p99)/float64(ref.p99))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", tool, r.server, fmtMS(r.p50), fmtMS(r.p99), fmtMS(r.mean), ratio50, ratio99)
		}
	}
	tw.Flush()
	t.Log("\n" + out.String())
}

// accelNote says whether KVM is usable (else QEMU runs under TCG).
func accelNote() string {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return "TCG (no usable /dev/kvm)"
	}
	f.Close()
	return "KVM available"
}

// TestVersusReferenceLayers splits airlock's per-call latency by layer:
// the agent channel alone (ping), the guest operation (guestclient, no
// MCP), the MCP server in process (tools pipeline + mcp-go, no stdio),
// the same over the fake backend (the agent's code on the host, no VM),
// and the whole stdio server. It runs only with AIRLOCK_REFBENCH=1.
func TestVersusReferenceLayers(t *testing.T) {
	requireRefbench(t)
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	d := newBenchData(t)
	ctx := context.Background()
	var rows []latency
	// A listing of 1,000 entries takes seconds under TCG: fewer calls.
	calls := func(op string) int {
		if strings.HasPrefix(op, "list") {
			return refbenchLayerListCalls
		}
		return refbenchCalls
	}
	add := func(layer, op string, fn func() error) {
		t.Helper()
		for i := range refbenchWarmup {
			if err := fn(); err != nil {
				t.Fatalf("%s %s warm-up %d: %v", layer, op, i, err)
			}
		}
		rows = append(rows, summarize(layer, op, measure(t, calls(op), fn)))
	}

	// 1-2. The guest agent, straight over guestclient.
	m, err := (&qemu.Backend{RunDir: t.TempDir()}).Start(ctx, vm.Config{
		Image:  img,
		Shares: []vm.Share{{Name: "data", HostPath: d.dir, ReadOnly: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ag := m.Agent()
	add("guestclient", "ping", func() error { _, err := ag.Ping(ctx); return err })
	add("guestclient", "read 4 KiB", func() error {
		var buf bytes.Buffer
		_, n, err := ag.Read(ctx, guestproto.ReadArgs{PathArgs: guestproto.PathArgs{Mount: "data", Path: "text-4k.txt"}, Limit: 1 << 20}, &buf)
		if err == nil && n != refbenchFile {
			err = fmt.Errorf("read %d bytes", n)
		}
		return err
	})
	add("guestclient", "list 1000", func() error {
		var r guestproto.ListResult
		err := ag.Call(ctx, guestproto.OpList, guestproto.ListArgs{PathArgs: guestproto.PathArgs{Mount: "data", Path: "many"}, SortBy: "name"}, &r)
		if err == nil && len(r.Entries) != refbenchEntries {
			err = fmt.Errorf("listed %d entries", len(r.Entries))
		}
		return err
	})
	m.Stop(ctx)

	// 3-4. The MCP server in process, over QEMU and over the fake backend.
	inproc := func(layer string, backend vm.Backend) {
		ms, err := tools.NewMounts([]tools.Mount{{Path: d.dir, ReadOnly: true}}, "")
		if err != nil {
			t.Fatal(err)
		}
		s := New(Config{Version: "refbench", Mounts: ms, Backend: backend, VM: vm.Config{Image: img}})
		defer s.Close(ctx)
		c := inProcessClient(t, s)
		for _, bc := range benchCalls(d) {
			first, cancel := context.WithTimeout(ctx, bootTimeout)
			_, err := callText(first, c, bc.tool, bc.args) // boots the VM
			cancel()
			if err != nil {
				t.Fatalf("%s %s: %v", layer, bc.tool, err)
			}
			add(layer, bc.tool, func() error {
				text, err := callText(ctx, c, bc.tool, bc.args)
				if err == nil {
					err = bc.check(text)
				}
				return err
			})
		}
	}
	inproc("in-process MCP, QEMU", &qemu.Backend{RunDir: t.TempDir()})
	inproc("in-process MCP, fake backend (no VM)", &vmtest.Fake{})

	// 5. The whole thing over stdio.
	s := benchAirlock(t, img, d)
	for _, bc := range benchCalls(d) {
		warmUp(t, s, bc)
		add("stdio airlock", bc.tool, func() error { _, err := callText(ctx, s.c, bc.tool, bc.args); return err })
	}
	s.close()

	var out strings.Builder
	fmt.Fprintf(&out, "%d calls each (listings: %d) after %d warm-up calls; accelerator: %s\n", refbenchCalls, refbenchLayerListCalls, refbenchWarmup, accelNote())
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "layer\top\tp50 ms\tp99 ms\tmean ms")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.server, r.tool, fmtMS(r.p50), fmtMS(r.p99), fmtMS(r.mean))
	}
	tw.Flush()
	t.Log("\n" + out.String())
}
