//go:build !linux

package qemu

import "syscall"

// sysProcAttr gives QEMU its own process group. Only Linux can tie a
// child's life to its parent's.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
