package qemu

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Verdict is the remembered choice of accelerator for this host.
type Verdict struct {
	Accel   string    `json:"accel"`   // "kvm" or "tcg"
	Reason  string    `json:"reason"`  // why, in words
	HostKey string    `json:"hostKey"` // the host it applies to
	Decided time.Time `json:"decided"`
}

// hostKey identifies the host configuration a verdict applies to: a kernel
// or QEMU upgrade, or a move to another CPU, asks the question again.
func hostKey(qemuVersion string) string {
	var u unix.Utsname
	_ = unix.Uname(&u)
	return strings.Join([]string{
		unix.ByteSliceToString(u.Release[:]),
		unix.ByteSliceToString(u.Machine[:]),
		qemuVersion,
		cpuModelName(),
	}, "|")
}

func cpuModelName() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// hostTSCkHz estimates the host TSC frequency from /proc/cpuinfo, for
// tsc_early_khz. Zero if unknown.
func hostTSCkHz() int {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "cpu MHz" {
			mhz, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return int(mhz * 1000)
			}
		}
	}
	return 0
}

// loadVerdict returns the verdict stored at path if it applies to key.
func loadVerdict(path, key string) (Verdict, bool) {
	if path == "" {
		return Verdict{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Verdict{}, false
	}
	var v Verdict
	if json.Unmarshal(b, &v) != nil || v.HostKey != key || (v.Accel != "kvm" && v.Accel != "tcg") {
		return Verdict{}, false
	}
	return v, true
}

// saveVerdict stores v at path atomically.
func saveVerdict(path string, v Verdict) error {
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".verdict-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// kvmAvailable reports whether /dev/kvm can be opened, and if not, why.
// Being able to open it does not mean guests boot: see the watchdog.
func kvmAvailable() (bool, string) {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, "/dev/kvm does not exist"
		}
		return false, fmt.Sprintf("cannot open /dev/kvm: %v", err)
	}
	f.Close()
	return true, ""
}

// VsockAvailable reports whether vhost-vsock can be used, and if not, why.
func VsockAvailable() (bool, string) {
	f, err := os.OpenFile("/dev/vhost-vsock", os.O_RDWR, 0)
	if err != nil {
		return false, fmt.Sprintf("using virtio-serial: %v", err)
	}
	f.Close()
	return true, ""
}
