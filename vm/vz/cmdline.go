package vz

import (
	"fmt"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// kernelCmdline is the guest kernel command line: the console on the first
// virtio console port (hvc0), a quiet boot, an immediate reboot on panic
// (a guest reboot ends a vz machine), the agent as init, then the agent's
// settings: its token, the vsock channel and the shares by name.
func kernelCmdline(cfg vm.Config, token string) string {
	boot := guestproto.BootConfig{
		Token:    token,
		Channel:  fmt.Sprintf("vsock:%d", agentPort),
		SelfTest: cfg.SelfTest,
	}
	for _, s := range cfg.Shares {
		boot.Shares = append(boot.Shares, guestproto.ShareSpec{Name: s.Name, ReadOnly: s.ReadOnly})
	}
	return "console=hvc0 quiet panic=-1 rdinit=/init " + boot.Cmdline()
}
