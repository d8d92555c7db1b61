package mcp

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/qemu"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// airlockBinary builds cmd/airlock once per test run.
func airlockBinary(t testing.TB) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "airlock-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "airlock")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/airlock").CombinedOutput()
		if err != nil {
			buildErr = &buildError{out: string(out), err: err}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

var eras = []struct{ name, version string }{
	{"legacy-2025-11-25", mcpgo.LATEST_LEGACY_PROTOCOL_VERSION},
	{"modern-2026-07-28", ""},
}

// stdioClient starts the real airlock binary over stdio with the given
// client options and initialises it.
func stdioClient(t *testing.T, img vm.Image, f fixture, opts ...client.ClientOption) (*client.Client, func() string) {
	bin := airlockBinary(t)
	var stderr bytes.Buffer
	var mu sync.Mutex
	tr := transport.NewStdioWithOptions(bin,
		[]string{"AIRLOCK_IMAGE=" + filepath.Dir(img.Kernel), "NO_COLOR=1"},
		[]string{"serve", "--mount", f.proj + ":rw", "--mount", f.docs},
		transport.WithCommandStderrWriter(lockedWriter{&mu, &stderr}))
	c := client.NewClient(tr, opts...)
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var ir mcpgo.InitializeRequest
	ir.Params.ClientInfo = mcpgo.Implementation{Name: "e2e-stdio", Version: "1"}
	if _, err := c.Initialize(ctx, ir); err != nil {
		t.Fatal(err)
	}
	return c, func() string { mu.Lock(); defer mu.Unlock(); return stderr.String() }
}

func eraOpts(version string, opts ...client.ClientOption) []client.ClientOption {
	if version != "" {
		opts = append(opts, client.WithProtocolVersion(version))
	}
	return opts
}

// TestStdioRealVM runs the real airlock binary over stdio with real VMs
// and drives every tool with the mcp-go client, in both protocol eras,
// then the approval round trips.
func TestStdioRealVM(t *testing.T) {
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			f := newFixture(t)
			c, logs := stdioClient(t, img, f, eraOpts(era.version, client.WithElicitationHandler(allowOnce()))...)
			if got := c.ProtocolVersion(); era.version != "" && got != era.version {
				t.Errorf("negotiated %s, want %s", got, era.version)
			}
			exerciseTools(t, c, f)

			f2 := newFixture(t)
			a := allowOnce()
			c2, _ := stdioClient(t, img, f2, eraOpts(era.version, client.WithElicitationHandler(a))...)
			plain, _ := stdioClient(t, img, f2, eraOpts(era.version)...)
			approvalScenarios(t, c2, plain, a, f2)
			if t.Failed() {
				t.Logf("server stderr:\n%s", logs())
			}
		})
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestHTTPRealVM serves Streamable HTTP with real VMs and drives every
// tool in both protocol eras, then the approval round trips.
func TestHTTPRealVM(t *testing.T) {
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	const token = "test-token-0123456789abcdef"
	for _, era := range eras {
		t.Run(era.name, func(t *testing.T) {
			f := newFixture(t)
			s := newServer(t, f, &qemu.Backend{RunDir: t.TempDir()}, img)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			hs := httptest.NewServer(s.HTTPHandler(ctx, token))
			defer hs.Close()
			connect := func(opts ...client.ClientOption) *client.Client {
				tr, err := transport.NewStreamableHTTP(hs.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
				if err != nil {
					t.Fatal(err)
				}
				c := client.NewClient(tr, eraOpts(era.version, opts...)...)
				if err := c.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close() })
				var ir mcpgo.InitializeRequest
				ir.Params.ClientInfo = mcpgo.Implementation{Name: "e2e-http", Version: "1"}
				if _, err := c.Initialize(ctx, ir); err != nil {
					t.Fatal(err)
				}
				return c
			}
			exerciseTools(t, connect(client.WithElicitationHandler(allowOnce())), f)

			f2 := newFixture(t)
			s2 := newServer(t, f2, &qemu.Backend{RunDir: t.TempDir()}, img)
			hs.Config.Handler = s2.HTTPHandler(ctx, token)
			a := allowOnce()
			approvalScenarios(t, connect(client.WithElicitationHandler(a)), connect(), a, f2)
		})
	}
}

// startServerProcess runs the airlock binary over stdio with extra
// environment and arguments, and returns the initialised client and the
// server process (so tests can signal it).
func startServerProcess(t *testing.T, env, args []string, opts ...client.ClientOption) (*client.Client, *exec.Cmd) {
	t.Helper()
	var cmd *exec.Cmd
	tr := transport.NewStdioWithOptions(airlockBinary(t), env, args,
		transport.WithCommandFunc(func(ctx context.Context, command string, env, args []string) (*exec.Cmd, error) {
			cmd = exec.Command(command, args...)
			cmd.Env = append(os.Environ(), env...)
			return cmd, nil
		}))
	c := client.NewClient(tr, opts...)
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var ir mcpgo.InitializeRequest
	ir.Params.ClientInfo = mcpgo.Implementation{Name: t.Name(), Version: "1"}
	if _, err := c.Initialize(ctx, ir); err != nil {
		t.Fatal(err)
	}
	return c, cmd
}
