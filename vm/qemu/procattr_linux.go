package qemu

import "syscall"

// sysProcAttr ties QEMU's life to ours (PR_SET_PDEATHSIG) and gives it its
// own process group.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}
