package qemu

import (
	"slices"
	"strings"
	"testing"

	"github.com/airlock-dev/airlock/vm"
)

// argValue returns the value after the i-th occurrence of flag.
func argValues(argv []string, flag string) []string {
	var out []string
	for i := 0; i+1 < len(argv); i++ {
		if argv[i] == flag {
			out = append(out, argv[i+1])
		}
	}
	return out
}

func TestBuildArgv(t *testing.T) {
	base := Spec{
		Accel: "tcg", Kernel: "/img/vmlinux", Initrd: "/img/initramfs.cpio",
		Cmdline: "airlock.token=ab airlock.chan=airlock.agent", CPUs: 1, MemoryMiB: 256,
		AgentSocket: "/run/vm/agent.sock",
	}
	tests := []struct {
		name  string
		mod   func(*Spec)
		check func(t *testing.T, argv []string)
	}{
		{"locked down", nil, func(t *testing.T, argv []string) {
			for _, want := range []string{"-nodefaults", "-no-user-config", "-no-reboot"} {
				if !slices.Contains(argv, want) {
					t.Errorf("missing %s", want)
				}
			}
			if got := argValues(argv, "-display"); !slices.Equal(got, []string{"none"}) {
				t.Errorf("-display = %v", got)
			}
			sb := argValues(argv, "-sandbox")
			if len(sb) != 1 || !strings.HasPrefix(sb[0], "on,") {
				t.Fatalf("-sandbox = %v", sb)
			}
			for _, k := range []string{"obsolete=deny", "elevateprivileges=deny", "spawn=deny", "resourcecontrol=deny"} {
				if !strings.Contains(sb[0], k) {
					t.Errorf("-sandbox lacks %s", k)
				}
			}
			joined := strings.Join(argv, " ")
			for _, bad := range []string{"-netdev", "-nic", "virtio-net", "user,"} {
				if strings.Contains(joined, bad) {
					t.Errorf("argv has a network device (%s): %s", bad, joined)
				}
			}
		}},
		{"tcg machine", nil, func(t *testing.T, argv []string) {
			if got := argValues(argv, "-accel"); !slices.Equal(got, []string{"tcg"}) {
				t.Errorf("-accel = %v", got)
			}
			m := argValues(argv, "-M")[0]
			if !strings.HasPrefix(m, "microvm,") || !strings.Contains(m, "pit=on") || !strings.Contains(m, "pic=on") {
				t.Errorf("-M = %s", m)
			}
		}},
		{"kvm machine", func(s *Spec) { s.Accel = "kvm" }, func(t *testing.T, argv []string) {
			if got := argValues(argv, "-accel"); !slices.Equal(got, []string{"kvm"}) {
				t.Errorf("-accel = %v", got)
			}
			if got := argValues(argv, "-cpu"); !slices.Equal(got, []string{"host"}) {
				t.Errorf("-cpu = %v", got)
			}
		}},
		{"kernel command line", nil, func(t *testing.T, argv []string) {
			app := argValues(argv, "-append")[0]
			for _, w := range []string{"console=ttyS0", "rdinit=/init", "panic=-1", "airlock.token=ab", "airlock.chan=airlock.agent"} {
				if !strings.Contains(app, w) {
					t.Errorf("-append lacks %s: %s", w, app)
				}
			}
			if strings.Contains(app, "tsc_early_khz") {
				t.Errorf("tsc_early_khz without a known TSC frequency: %s", app)
			}
		}},
		{"tcg pins the tsc", func(s *Spec) { s.CPUs = 2; s.TSCkHz = 2500000 }, func(t *testing.T, argv []string) {
			if app := argValues(argv, "-append")[0]; !strings.Contains(app, "tsc_early_khz=2500000") {
				t.Errorf("-append = %s", app)
			}
			if got := argValues(argv, "-smp"); !slices.Equal(got, []string{"2"}) {
				t.Errorf("-smp = %v", got)
			}
		}},
		{"shares", func(s *Spec) {
			s.Shares = []vm.Share{{Name: "docs", HostPath: "/home/u/docs", ReadOnly: true}, {Name: "work", HostPath: "/home/u/work"}}
		}, func(t *testing.T, argv []string) {
			fs := argValues(argv, "-fsdev")
			want := []string{
				"local,id=fs0,path=/home/u/docs,security_model=none,readonly=on",
				"local,id=fs1,path=/home/u/work,security_model=none",
			}
			if !slices.Equal(fs, want) {
				t.Errorf("-fsdev = %q, want %q", fs, want)
			}
			devs := argValues(argv, "-device")
			for _, w := range []string{"virtio-9p-device,fsdev=fs0,mount_tag=docs", "virtio-9p-device,fsdev=fs1,mount_tag=work"} {
				if !slices.Contains(devs, w) {
					t.Errorf("-device lacks %s: %v", w, devs)
				}
			}
		}},
		{"virtio-serial agent", nil, func(t *testing.T, argv []string) {
			devs := argValues(argv, "-device")
			if !slices.Contains(devs, "virtserialport,chardev=agent,name="+AgentPortName) {
				t.Errorf("-device = %v", devs)
			}
			if !slices.Contains(argValues(argv, "-chardev"), "socket,id=agent,path=/run/vm/agent.sock,server=on,wait=off") {
				t.Errorf("-chardev = %v", argValues(argv, "-chardev"))
			}
		}},
		{"vsock agent", func(s *Spec) { s.VsockCID = 1234 }, func(t *testing.T, argv []string) {
			devs := argValues(argv, "-device")
			if !slices.Contains(devs, "vhost-vsock-device,guest-cid=1234") {
				t.Errorf("-device = %v", devs)
			}
			if slices.Contains(devs, "virtio-serial-device") {
				t.Errorf("virtio-serial present with vsock: %v", devs)
			}
		}},
		{"tb size", func(s *Spec) { s.TBSizeMiB = 64 }, func(t *testing.T, argv []string) {
			if got := argValues(argv, "-accel"); !slices.Equal(got, []string{"tcg,tb-size=64"}) {
				t.Errorf("-accel = %v", got)
			}
		}},
		{"paused", func(s *Spec) { s.Paused = true }, func(t *testing.T, argv []string) {
			if !slices.Contains(argv, "-S") {
				t.Error("missing -S")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			if tt.mod != nil {
				tt.mod(&s)
			}
			tt.check(t, BuildArgv(s))
		})
	}
}
