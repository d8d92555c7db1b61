package vmtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// QEMUProcesses lists the QEMU processes whose command line mentions dir.
// Tests give their machines a private directory and use this to prove no
// QEMU they started outlives them.
func QEMUProcesses(dir string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), "qemu-system") && strings.Contains(string(b), dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}
