package guest

import (
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// ReopenConsole points standard output and error at the console the
// kernel command line names (console=hvc0 on Apple's framework), when that
// device appeared only after its module loaded: PID 1 started before it
// existed, so until now its output went nowhere. It does nothing when the
// console is built in (ttyS0 under QEMU) or absent.
func ReopenConsole(cmdline string) {
	for _, f := range strings.Fields(cmdline) {
		name, ok := strings.CutPrefix(f, "console=")
		if !ok || !strings.HasPrefix(name, "hvc") || strings.ContainsAny(name, "/.") {
			continue
		}
		c, err := os.OpenFile("/dev/"+name, os.O_WRONLY|unix.O_NOCTTY, 0)
		if err != nil {
			return
		}
		_ = unix.Dup3(int(c.Fd()), 1, 0)
		_ = unix.Dup3(int(c.Fd()), 2, 0)
		c.Close()
		return
	}
}
