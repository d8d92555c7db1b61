//go:build linux

package qemu

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// dialVsock connects to the guest agent's vsock port, retrying while the
// guest boots, until ctx ends.
func dialVsock(ctx context.Context, cid, port uint32, exited <-chan struct{}) (net.Conn, error) {
	for {
		conn, err := connectVsock(cid, port)
		if err == nil {
			return conn, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect vsock %d:%d: %w", cid, port, err)
		case <-exited:
			return nil, fmt.Errorf("qemu exited")
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func connectVsock(cid, port uint32) (net.Conn, error) {
	fd, err := unix.Socket(unix.AF_VSOCK, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.Connect(fd, &unix.SockaddrVM{CID: cid, Port: port}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, err
	}
	// os.File on a non-blocking descriptor uses the runtime poller, so
	// deadlines work; net.FileConn does not know AF_VSOCK.
	return &vsockConn{File: os.NewFile(uintptr(fd), fmt.Sprintf("vsock:%d:%d", cid, port)), cid: cid, port: port}, nil
}

// vsockConn adapts a connected vsock file to net.Conn.
type vsockConn struct {
	*os.File
	cid, port uint32
}

type vsockAddr struct{ cid, port uint32 }

func (a vsockAddr) Network() string { return "vsock" }
func (a vsockAddr) String() string  { return fmt.Sprintf("%d:%d", a.cid, a.port) }

func (c *vsockConn) LocalAddr() net.Addr  { return vsockAddr{unix.VMADDR_CID_HOST, 0} }
func (c *vsockConn) RemoteAddr() net.Addr { return vsockAddr{c.cid, c.port} }
