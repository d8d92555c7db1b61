package rootfs

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestClosureOrder(t *testing.T) {
	g := moduleGraph{
		deps: map[string][]string{
			"virtio":                            nil,
			"virtio_ring":                       nil,
			"virtio_mmio":                       {"virtio", "virtio_ring"},
			"virtio_console":                    {"virtio", "virtio_ring"},
			"9pnet":                             nil,
			"9pnet_virtio":                      {"virtio", "9pnet", "virtio_ring"},
			"netfs":                             nil,
			"fscache":                           {"netfs"},
			"9p":                                {"9pnet", "fscache", "netfs"},
			"vsock":                             nil,
			"vmw_vsock_virtio_transport_common": {"vsock"},
			"vmw_vsock_virtio_transport":        {"virtio", "vmw_vsock_virtio_transport_common", "virtio_ring", "vsock"},
			"virtio_rng":                        {"virtio", "virtio_ring"},
			"unrelated":                         {"virtio"},
		},
		builtin: map[string]bool{"ext4": true},
	}
	roots := []string{"virtio_mmio", "virtio_console", "9pnet_virtio", "9p", "vmw_vsock_virtio_transport", "virtio-rng", "ext4"}
	order, builtin, err := g.closure(roots)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"virtio", "virtio_ring", "virtio_mmio", "virtio_console",
		"9pnet", "9pnet_virtio", "netfs", "fscache", "9p",
		"vsock", "vmw_vsock_virtio_transport_common", "vmw_vsock_virtio_transport",
		"virtio_rng",
	}
	if !slices.Equal(order, want) {
		t.Errorf("order:\n got %v\nwant %v", order, want)
	}
	if !slices.Equal(builtin, []string{"ext4"}) {
		t.Errorf("builtin = %v", builtin)
	}
	checkDepsFirst(t, order, g.deps)

	again, _, _ := g.closure(roots)
	if !slices.Equal(order, again) {
		t.Error("closure is not deterministic")
	}
}

// checkDepsFirst fails when a module in order precedes one of its
// dependencies.
func checkDepsFirst(t *testing.T, order []string, deps map[string][]string) {
	t.Helper()
	pos := map[string]int{}
	for i, m := range order {
		pos[m] = i
	}
	for _, m := range order {
		for _, d := range deps[m] {
			if p, ok := pos[d]; ok && p > pos[m] {
				t.Errorf("%s is loaded before its dependency %s", m, d)
			}
		}
	}
}

func TestClosureErrors(t *testing.T) {
	zstd := errors.New("zstd-compressed")
	g := moduleGraph{
		deps: map[string][]string{
			"a":      {"b"},
			"b":      {"a"},
			"c":      {"gone"},
			"d":      {"packed"},
			"e":      {"inside"},
			"single": nil,
		},
		builtin:  map[string]bool{"inside": true},
		unusable: map[string]error{"packed": zstd},
	}
	cases := []struct {
		roots []string
		want  string
	}{
		{[]string{"a"}, "cycle"},
		{[]string{"missing"}, "module missing not found"},
		{[]string{"c"}, "module gone (needed by c) not found"},
		{[]string{"d"}, "module packed (needed by d) cannot be used: zstd-compressed"},
	}
	for _, c := range cases {
		_, _, err := g.closure(c.roots)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("roots %v: got %v, want error containing %q", c.roots, err, c.want)
		}
	}
	order, builtin, err := g.closure([]string{"e", "single"})
	if err != nil || !slices.Equal(order, []string{"e", "single"}) || len(builtin) != 0 {
		t.Errorf("built-in dependency: got %v %v %v", order, builtin, err)
	}
}

func TestParseModulesBuiltin(t *testing.T) {
	data := []byte("kernel/fs/ext4/ext4.ko\nkernel/drivers/char/hw_random/virtio-rng.ko\n\nkernel/crypto/crc32c_generic.ko.xz\nnot-a-module\n")
	got := parseModulesBuiltin(data)
	for _, name := range []string{"ext4", "virtio_rng", "crc32c_generic"} {
		if !got[name] {
			t.Errorf("%s missing from %v", name, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("got %v", got)
	}
}
