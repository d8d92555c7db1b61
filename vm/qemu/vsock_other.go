//go:build !linux

package qemu

import (
	"context"
	"errors"
	"net"
)

// dialVsock is only implemented on Linux, where vhost-vsock exists.
func dialVsock(context.Context, uint32, uint32, <-chan struct{}) (net.Conn, error) {
	return nil, errors.New("vsock: only available on Linux hosts")
}
