package vmtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Harness tells RunBackendTests how to drive one backend.
type Harness struct {
	Backend vm.Backend
	// Image is the guest image; zero for backends that need none.
	Image vm.Image
	// Isolated is true for backends that run a real VM. The tests that
	// prove hypervisor-enforced isolation from inside the guest run only
	// then (they need the guest's self-test probes).
	Isolated bool
	// Crash ends a running machine abruptly from outside, as a host OOM
	// killer would.
	Crash func(vm.Machine) error
	// BootTimeout bounds each Start; default 90s.
	BootTimeout time.Duration
}

// RunBackendTests is the conformance suite for vm.Backend implementations.
func RunBackendTests(t *testing.T, h Harness) {
	if h.BootTimeout == 0 {
		h.BootTimeout = 90 * time.Second
	}
	t.Run("Handshake", func(t *testing.T) { testHandshake(t, h) })
	t.Run("ReadOnlyShare", func(t *testing.T) { testReadOnlyShare(t, h) })
	t.Run("ReadWriteShare", func(t *testing.T) { testReadWriteShare(t, h) })
	t.Run("HostPathsInvisible", func(t *testing.T) { testHostPathsInvisible(t, h) })
	t.Run("CrashMakesWaitFail", func(t *testing.T) { testCrash(t, h) })
	t.Run("StopIdempotentConcurrent", func(t *testing.T) { testStopConcurrent(t, h) })
	t.Run("FileConfinement", func(t *testing.T) { testFileConfinement(t, h) })
	t.Run("CrashDuringOverwrite", func(t *testing.T) { testCrashDuringOverwrite(t, h) })
	if h.Isolated {
		t.Run("NoNetworkButTheProxy", func(t *testing.T) { testNoNetwork(t, h) })
	}
}

// testNoNetwork proves from inside the guest that the VM has no way out
// but the egress proxy: a raw TCP connection and a DNS lookup fail, the
// only interface is loopback, and the proxy itself is refused while the
// host serves no dials.
func testNoNetwork(t *testing.T, h Harness) {
	f := newFixture(t)
	m := h.start(t, f, true)
	ctx := callCtx(t)
	for _, addr := range []string{"1.1.1.1:80", "10.0.2.2:80", "169.254.169.254:80"} {
		var r guestproto.ProbeNetResult
		if err := m.Agent().Call(ctx, guestproto.OpProbeNet, guestproto.ProbeNetArgs{Addr: addr, Name: "example.com"}, &r); err != nil {
			t.Fatalf("probe.net: %v", err)
		}
		if r.DialErr == "" {
			t.Errorf("a raw TCP connection to %s from inside the guest succeeded", addr)
		}
		if r.LookupErr == "" {
			t.Errorf("a DNS lookup from inside the guest succeeded")
		}
		if strings.Contains(r.Interfaces, ", ") || !strings.HasPrefix(r.Interfaces, "lo(") {
			t.Errorf("guest interfaces: %s; want loopback only", r.Interfaces)
		}
		t.Logf("%s: dial: %s; lookup: %s; interfaces: %s", addr, r.DialErr, r.LookupErr, r.Interfaces)
	}
	// The proxy is the only door, and the host has not opened it.
	err := m.Agent().Call(ctx, guestproto.OpWebFetch, guestproto.FetchArgs{URL: "http://1.1.1.1/"}, nil)
	if !errors.Is(err, guestproto.ErrNetwork) || !strings.Contains(err.Error(), "no network access") {
		t.Errorf("fetch with no host dialer: err = %v, want a network error saying there is no network access", err)
	}
}

// fixture is a pair of shares on the host plus a file outside both.
type fixture struct {
	ro, rw, outside string
}

const roContent = "original read-only content\n"

func newFixture(t *testing.T) fixture {
	base := t.TempDir()
	f := fixture{
		ro:      filepath.Join(base, "ro"),
		rw:      filepath.Join(base, "rw"),
		outside: filepath.Join(base, "outside-secret.txt"),
	}
	for _, d := range []string{f.ro, f.rw} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.WriteFile(filepath.Join(f.ro, "keep.txt"), []byte(roContent), 0o644))
	must(t, os.WriteFile(filepath.Join(f.rw, "hello.txt"), []byte("hello from the host\n"), 0o644))
	must(t, os.WriteFile(f.outside, []byte("not for the guest\n"), 0o600))
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (h Harness) start(t *testing.T, f fixture, selfTest bool) vm.Machine {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), h.BootTimeout)
	defer cancel()
	m, err := h.Backend.Start(ctx, vm.Config{
		Image:    h.Image,
		Shares:   []vm.Share{{Name: "ro", HostPath: f.ro, ReadOnly: true}, {Name: "rw", HostPath: f.rw}},
		SelfTest: selfTest,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		m.Stop(ctx)
	})
	return m
}

func callCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func testHandshake(t *testing.T, h Harness) {
	f := newFixture(t)
	m := h.start(t, f, false)
	hello := m.Agent().Hello()
	if hello.Version != guestproto.Version || hello.AgentVersion == "" {
		t.Errorf("hello = %+v", hello)
	}
	want := map[string]bool{"ro": true, "rw": false}
	if len(hello.Mounts) != len(want) {
		t.Fatalf("guest reports mounts %+v, want ro and rw", hello.Mounts)
	}
	for _, mt := range hello.Mounts {
		if ro, ok := want[mt.Name]; !ok || ro != mt.ReadOnly || mt.Error != "" {
			t.Errorf("mount %+v unexpected", mt)
		}
	}
	if _, err := m.Agent().Ping(callCtx(t)); err != nil {
		t.Errorf("Ping: %v", err)
	}
	// Probes are off unless the machine was booted for self-tests.
	err := m.Agent().Call(callCtx(t), guestproto.OpProbeMounts, nil, &guestproto.ProbeMountsResult{})
	if !errors.Is(err, guestproto.ErrUnsupported) {
		t.Errorf("probe without self-test mode: err = %v, want unsupported", err)
	}
}

func testReadOnlyShare(t *testing.T, h Harness) {
	f := newFixture(t)
	m := h.start(t, f, h.Isolated)
	ctx := callCtx(t)
	_, err := m.Agent().WriteFile(ctx, guestproto.WriteArgs{PathArgs: guestproto.PathArgs{Mount: "ro", Path: "keep.txt"}}, strings.NewReader("changed"))
	if !errors.Is(err, guestproto.ErrReadOnly) {
		t.Errorf("write to read-only share: err = %v, want read_only", err)
	}
	_, err = m.Agent().WriteFile(ctx, guestproto.WriteArgs{PathArgs: guestproto.PathArgs{Mount: "ro", Path: "new.txt"}}, strings.NewReader("new"))
	if !errors.Is(err, guestproto.ErrReadOnly) {
		t.Errorf("create in read-only share: err = %v, want read_only", err)
	}
	if h.Isolated {
		// A hostile guest with root remounts the share read-write and
		// writes anyway: the hypervisor must refuse.
		for _, p := range []string{"/mnt/ro/keep.txt", "/mnt/ro/new.txt"} {
			err := m.Agent().Call(ctx, guestproto.OpProbeWrite, guestproto.ProbeArgs{Path: p, Remount: true}, nil)
			if err == nil {
				t.Errorf("raw write to %s inside the guest succeeded", p)
			} else if !errors.Is(err, guestproto.ErrReadOnly) {
				t.Errorf("raw write to %s: err = %v, want read_only", p, err)
			}
		}
	}
	got, err := os.ReadFile(filepath.Join(f.ro, "keep.txt"))
	if err != nil || string(got) != roContent {
		t.Errorf("host file changed: %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(f.ro, "new.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file created in read-only share: %v", err)
	}
}

func testReadWriteShare(t *testing.T, h Harness) {
	f := newFixture(t)
	m := h.start(t, f, false)
	ctx := callCtx(t)
	payload := bytes.Repeat([]byte("airlock\n"), 100_000) // 800 kB: several chunks
	res, err := m.Agent().WriteFile(ctx, guestproto.WriteArgs{PathArgs: guestproto.PathArgs{Mount: "rw", Path: "out.txt"}}, bytes.NewReader(payload))
	if err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if res.Size != int64(len(payload)) {
		t.Errorf("WriteFile size = %d, want %d", res.Size, len(payload))
	}
	got, err := os.ReadFile(filepath.Join(f.rw, "out.txt"))
	if err != nil || !bytes.Equal(got, payload) {
		t.Errorf("host sees %d bytes (%v), want the %d written", len(got), err, len(payload))
	}
	var buf bytes.Buffer
	if _, err := m.Agent().ReadFile(ctx, guestproto.ReadArgs{PathArgs: guestproto.PathArgs{Mount: "rw", Path: "hello.txt"}, Limit: 1 << 20}, &buf); err != nil {
		t.Fatalf("ReadFile: %v", err)
	}
	if buf.String() != "hello from the host\n" {
		t.Errorf("ReadFile = %q", buf.String())
	}
	var fi guestproto.FileInfo
	err = m.Agent().Call(ctx, guestproto.OpStat, guestproto.PathArgs{Mount: "rw", Path: "../outside-secret.txt"}, &fi)
	if !errors.Is(err, guestproto.ErrOutside) {
		t.Errorf("stat ../outside: err = %v, want outside_mount", err)
	}
}

func testHostPathsInvisible(t *testing.T, h Harness) {
	if !h.Isolated {
		t.Skip("backend runs in-process; there is no guest file system to inspect")
	}
	f := newFixture(t)
	m := h.start(t, f, true)
	ctx := callCtx(t)
	exists := func(p string) bool {
		var r guestproto.ProbeStatResult
		if err := m.Agent().Call(ctx, guestproto.OpProbeStat, guestproto.ProbeArgs{Path: p}, &r); err != nil {
			t.Fatalf("probe.stat %s: %v", p, err)
		}
		return r.Exists
	}
	if !exists("/mnt/rw/hello.txt") {
		t.Fatal("probe cannot see a file in the read-write share; the probe is broken")
	}
	self, _ := os.Executable()
	for _, p := range []string{f.outside, filepath.Dir(f.ro), f.rw, self, "/etc/passwd", "/home", "/root/.ssh", "/usr/bin"} {
		if exists(p) {
			t.Errorf("host path %s is visible in the guest", p)
		}
	}
	var mounts guestproto.ProbeMountsResult
	must(t, m.Agent().Call(ctx, guestproto.OpProbeMounts, nil, &mounts))
	for _, line := range strings.Split(strings.TrimSpace(mounts.Mounts), "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 3 && (fields[2] == "9p" || fields[2] == "virtiofs") {
			if fields[1] != "/mnt/ro" && fields[1] != "/mnt/rw" {
				t.Errorf("unexpected share mount in guest: %s", line)
			}
			for _, opt := range []string{"nodev", "nosuid", "noexec"} {
				if !strings.Contains(fields[3], opt) {
					t.Errorf("share mount lacks %s: %s", opt, line)
				}
			}
		}
	}
}

func testCrash(t *testing.T, h Harness) {
	f := newFixture(t)
	m := h.start(t, f, false)
	if err := h.Crash(m); err != nil {
		t.Fatalf("Crash: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Wait() }()
	select {
	case err := <-done:
		if !errors.Is(err, vm.ErrCrashed) {
			t.Errorf("Wait after crash = %v, want ErrCrashed", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Wait did not return after the machine was killed")
	}
	if _, err := m.Agent().Ping(callCtx(t)); err == nil {
		t.Error("Ping succeeded on a crashed machine")
	}
}

func testStopConcurrent(t *testing.T, h Harness) {
	f := newFixture(t)
	m := h.start(t, f, false)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); errs <- m.Stop(context.Background()) }()
		go func() { defer wg.Done(); errs <- m.Wait() }()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(60 * time.Second):
		t.Fatal("concurrent Stop/Wait did not finish")
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Stop/Wait returned %v, want nil", err)
		}
	}
	if err := m.Stop(context.Background()); err != nil {
		t.Errorf("Stop after Stop = %v", err)
	}
	if _, err := m.Agent().Ping(callCtx(t)); err == nil {
		t.Error("Ping succeeded on a stopped machine")
	}
}
