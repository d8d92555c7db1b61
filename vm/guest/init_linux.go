package guest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// MountRoot is where shares are mounted in the guest: /mnt/<name>.
const MountRoot = "/mnt"

// SetupSystem performs the PID 1 duties that come before serving: mount
// the pseudo file systems, load the kernel modules listed in
// /etc/airlock/modules (in that order), and bring up the loopback
// interface.
func SetupSystem(log *slog.Logger) error {
	type pseudo struct {
		src, dst, fstype string
		flags            uintptr
		data             string
	}
	for _, m := range []pseudo{
		{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""},
		{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, ""},
		{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID | unix.MS_NOEXEC, "mode=0755"},
		{"tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777,size=64m"},
		{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "mode=0755,size=8m"},
	} {
		if err := os.MkdirAll(m.dst, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(m.src, m.dst, m.fstype, m.flags, m.data); err != nil && !errors.Is(err, unix.EBUSY) {
			return fmt.Errorf("mount %s: %w", m.dst, err)
		}
	}
	if err := loadModules("/etc/airlock/modules", "/lib/modules", log); err != nil {
		return err
	}
	if err := loopbackUp(); err != nil {
		return fmt.Errorf("bring up lo: %w", err)
	}
	return nil
}

// loadModules loads each module named in list, in order. A module that is
// already loaded (or built in) is fine.
func loadModules(list, dir string, log *slog.Logger) error {
	b, err := os.ReadFile(list)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, name := range strings.Fields(string(b)) {
		if strings.Contains(name, "/") {
			return fmt.Errorf("module list: bad name %q", name)
		}
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("load module %s: %w", name, err)
		}
		err = unix.FinitModule(int(f.Fd()), "", 0)
		f.Close()
		if err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("load module %s: %w", name, err)
		}
		log.Debug("module loaded", "name", name)
	}
	return nil
}

func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// MountShares mounts each share at /mnt/<name> over 9p (QEMU) or
// virtio-fs (vz), nodev, nosuid, noexec, and read-only where asked. A
// share that fails to mount is reported in its Err and left out of use.
func MountShares(specs []guestproto.ShareSpec, log *slog.Logger) []Mount {
	var out []Mount
	for _, s := range specs {
		m := Mount{Name: s.Name, Dir: filepath.Join(MountRoot, s.Name), ReadOnly: s.ReadOnly}
		m.Err = mountShare(s, m.Dir)
		if m.Err != nil {
			log.Error("mount share", "share", s.Name, "err", m.Err)
		}
		out = append(out, m)
	}
	return out
}

func mountShare(s guestproto.ShareSpec, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	flags := uintptr(unix.MS_NODEV | unix.MS_NOSUID | unix.MS_NOEXEC)
	if s.ReadOnly {
		flags |= unix.MS_RDONLY
	}
	err9p := unix.Mount(s.Name, dir, "9p", flags, "trans=virtio,version=9p2000.L,msize=524288,cache=none")
	if err9p == nil {
		return nil
	}
	errFS := unix.Mount(s.Name, dir, "virtiofs", flags, "")
	if errFS == nil {
		return nil
	}
	return fmt.Errorf("mount %s: 9p: %v; virtiofs: %v", s.Name, err9p, errFS)
}

// OpenChannel opens the agent channel named by the boot config: a
// virtio-serial port found by name under /sys/class/virtio-ports, waiting
// up to timeout for it to appear.
func OpenChannel(ctx context.Context, name string, timeout time.Duration) (io.ReadWriteCloser, error) {
	if strings.HasPrefix(name, "vsock:") {
		port, err := strconv.ParseUint(strings.TrimPrefix(name, "vsock:"), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("vsock port: %w", err)
		}
		return acceptVsock(ctx, uint32(port))
	}
	deadline := time.Now().Add(timeout)
	for {
		dev, err := findPort(name)
		if err == nil {
			f, err := os.OpenFile(dev, os.O_RDWR, 0)
			if err != nil {
				return nil, err
			}
			return &portConn{f: f}, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("virtio port %q did not appear in %v", name, timeout)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func findPort(name string) (string, error) {
	paths, _ := filepath.Glob("/sys/class/virtio-ports/*/name")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil && strings.TrimSpace(string(b)) == name {
			return "/dev/" + filepath.Base(filepath.Dir(p)), nil
		}
	}
	return "", os.ErrNotExist
}

// portConn is a virtio-serial port. Until the first byte arrives, a read
// of 0 bytes means the host has not connected yet, not end of stream, so
// reads are retried; after that, EOF is real.
type portConn struct {
	f         *os.File
	connected bool
}

func (p *portConn) Read(b []byte) (int, error) {
	for {
		n, err := p.f.Read(b)
		if n > 0 {
			p.connected = true
			return n, nil
		}
		if p.connected || (err != nil && !errors.Is(err, io.EOF)) {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (p *portConn) Write(b []byte) (int, error) { return p.f.Write(b) }
func (p *portConn) Close() error                { return p.f.Close() }

// acceptVsock listens on the given vsock port and returns the first
// connection that comes from the host (CID 2).
func acceptVsock(ctx context.Context, port uint32) (io.ReadWriteCloser, error) {
	fd, err := unix.Socket(unix.AF_VSOCK, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("vsock socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrVM{CID: unix.VMADDR_CID_ANY, Port: port}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("vsock bind %d: %w", port, err)
	}
	if err := unix.Listen(fd, 1); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("vsock listen: %w", err)
	}
	defer unix.Close(fd)
	for ctx.Err() == nil {
		nfd, sa, err := unix.Accept4(fd, unix.SOCK_CLOEXEC)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			return nil, fmt.Errorf("vsock accept: %w", err)
		}
		if vm, ok := sa.(*unix.SockaddrVM); !ok || vm.CID != unix.VMADDR_CID_HOST {
			unix.Close(nfd)
			continue
		}
		return os.NewFile(uintptr(nfd), "vsock"), nil
	}
	return nil, ctx.Err()
}

// StartReaper reaps orphaned children forever, as PID 1 must.
func StartReaper() {
	ch := make(chan os.Signal, 8)
	signal.Notify(ch, unix.SIGCHLD)
	go func() {
		for range ch {
			for {
				var ws unix.WaitStatus
				pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
		}
	}()
}

// Uptime reads /proc/uptime.
func Uptime() time.Duration {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b) + " 0")[0], 64)
	return time.Duration(f * float64(time.Second))
}

// KernelRelease returns uname -r.
func KernelRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

// Cmdline returns the kernel command line.
func Cmdline() (string, error) {
	f, err := os.Open("/proc/cmdline")
	if err != nil {
		return "", err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return line, nil
}

// PowerOff flushes file systems and turns the machine off. It does not
// return.
func PowerOff() {
	unix.Sync()
	// The VMM runs with -no-reboot, so a restart ends it; power-off needs
	// ACPI, which the minimal machines may lack.
	_ = unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	_ = unix.Reboot(unix.LINUX_REBOOT_CMD_RESTART)
	select {}
}
