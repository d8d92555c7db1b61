package vz

import (
	"reflect"
	"strings"
	"testing"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestKernelCmdline(t *testing.T) {
	token := vm.NewToken()
	cfg := vm.Config{
		Shares: []vm.Share{
			{Name: "docs", HostPath: "/Users/me/docs", ReadOnly: true},
			{Name: "out", HostPath: "/Users/me/out"},
		},
	}
	line := kernelCmdline(cfg, token)
	if !strings.HasPrefix(line, "console=hvc0 quiet panic=-1 rdinit=/init ") {
		t.Errorf("cmdline %q lacks the kernel words", line)
	}
	if strings.Contains(line, "/Users/me") {
		t.Errorf("cmdline %q leaks a host path into the guest", line)
	}
	got, err := guestproto.ParseCmdline(line)
	if err != nil {
		t.Fatalf("ParseCmdline(%q): %v", line, err)
	}
	want := guestproto.BootConfig{
		Token:   token,
		Channel: "vsock:1024",
		Shares:  []guestproto.ShareSpec{{Name: "docs", ReadOnly: true}, {Name: "out"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("guest reads %+v, want %+v", got, want)
	}
	cfg.SelfTest = true
	if got, _ := guestproto.ParseCmdline(kernelCmdline(cfg, token)); !got.SelfTest {
		t.Error("SelfTest not passed to the guest")
	}
}
