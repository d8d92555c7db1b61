package rootfs

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// fakeKernelVersion is the kernel version inside fake packages.
const fakeKernelVersion = "6.1.0-99"

// fakeDeb describes a kernel package for tests.
type fakeDeb struct {
	pkg, version, arch string
	files              map[string][]byte // data archive content by path
	dataExt            string            // compression of data.tar: ".xz" (default), ".gz", ".zst"
	skipControl        bool
}

// fakeModuleDeps are the modules of fake packages and their dependencies,
// modelled on Debian's 6.1 kernels.
var fakeModuleDeps = map[string][]string{
	"virtio":                            nil,
	"virtio_ring":                       nil,
	"virtio_mmio":                       {"virtio", "virtio_ring"},
	"virtio_pci_modern_dev":             nil,
	"virtio_pci_legacy_dev":             nil,
	"virtio_pci":                        {"virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio"},
	"virtio_console":                    {"virtio", "virtio_ring"},
	"9pnet":                             nil,
	"9pnet_virtio":                      {"virtio", "9pnet", "virtio_ring"},
	"netfs":                             nil,
	"fscache":                           {"netfs"},
	"9p":                                {"9pnet", "fscache", "netfs"},
	"fuse":                              nil,
	"virtiofs":                          {"fuse", "virtio", "virtio_ring"},
	"vsock":                             nil,
	"vmw_vsock_virtio_transport_common": {"vsock"},
	"vmw_vsock_virtio_transport":        {"virtio", "vmw_vsock_virtio_transport_common", "virtio_ring", "vsock"},
	"virtio-rng":                        {"virtio", "virtio_ring"},
	"ext4":                              {"jbd2"},
	"jbd2":                              nil,
}

// fakeKernelFiles returns the data archive of a kernel package for arch:
// the kernel, every module of fakeModuleDeps except those in omit, and a
// modules.builtin listing builtin.
func fakeKernelFiles(t *testing.T, arch string, omit, builtin []string) map[string][]byte {
	t.Helper()
	ver := fakeKernelVersion + "-" + arch
	machine := elf.EM_X86_64
	vmlinuz := fakeBzImage(t, fakeVmlinux(true), true)
	if arch == ArchARM64 {
		machine = elf.EM_AARCH64
		vmlinuz = gzipBytes(t, fakeARM64Image())
	}
	files := map[string][]byte{
		"./boot/vmlinuz-" + ver:    vmlinuz,
		"./boot/config-" + ver:     []byte("CONFIG_PVH=y\n"),
		"./usr/share/doc/x/README": []byte("doc"),
	}
	var builtinList strings.Builder
	for _, b := range builtin {
		fmt.Fprintf(&builtinList, "kernel/drivers/%s.ko\n", b)
	}
	files["./lib/modules/"+ver+"/modules.builtin"] = []byte(builtinList.String())
	for name, deps := range fakeModuleDeps {
		if slices.Contains(omit, name) {
			continue
		}
		ko := fakeModule(machine, "license=GPL", "depends="+strings.Join(deps, ","), "name="+normalizeModName(name), "vermagic="+ver+" SMP mod_unload")
		files["./lib/modules/"+ver+"/kernel/drivers/"+name+".ko"] = ko
	}
	return files
}

// bytes returns the .deb file content.
func (d fakeDeb) bytes(t *testing.T) []byte {
	t.Helper()
	control := fmt.Sprintf("Package: %s\nVersion: %s\nArchitecture: %s\nDescription: test kernel\n continued line\n", d.pkg, d.version, d.arch)
	controlTar := tarBytes(t, map[string][]byte{"./control": []byte(control), "./md5sums": []byte("")})
	dataTar := tarBytes(t, d.files)
	ext := d.dataExt
	if ext == "" {
		ext = ".xz"
	}
	var data []byte
	switch ext {
	case ".xz":
		data = xzEncode(t, dataTar, xz.CRC64)
	case ".gz":
		data = gzipBytes(t, dataTar)
	case ".zst":
		data = []byte("\x28\xb5\x2f\xfd not really zstd")
	}
	members := []arMember{{"debian-binary", "2.0\n"}}
	if !d.skipControl {
		members = append(members, arMember{"control.tar.gz", string(gzipBytes(t, controlTar))})
	}
	members = append(members, arMember{"data.tar" + ext, string(data)})
	return buildAR(t, true, members...)
}

// write stores the package in dir under its Debian file name and returns
// the path.
func (d fakeDeb) write(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%s_%s_%s.deb", d.pkg, d.version, d.arch))
	if err := os.WriteFile(path, d.bytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// newFakeDeb returns a complete fake kernel package for arch.
func newFakeDeb(t *testing.T, arch string) fakeDeb {
	return fakeDeb{
		pkg:     "linux-image-" + fakeKernelVersion + "-" + arch,
		version: "6.1.999-1",
		arch:    arch,
		files:   fakeKernelFiles(t, arch, nil, nil),
	}
}

// tarBytes returns a tar archive of files in name order, with the parent
// directories before their content, as dpkg-deb writes it.
func tarBytes(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		for dir := filepath.Dir(name); dir != "." && !dirs[dir]; dir = filepath.Dir(dir) {
			dirs[dir] = true
		}
	}
	for _, dir := range slices.Sorted(maps.Keys(dirs)) {
		if err := tw.WriteHeader(&tar.Header{Name: dir + "/", Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeAgent creates a fake amd64 agent binary and returns its path.
func writeAgent(t *testing.T, content string) string {
	t.Helper()
	return writeAgentFor(t, ArchAMD64, content)
}

// writeAgentFor creates a fake agent binary for arch and returns its path.
func writeAgentFor(t *testing.T, arch, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "airlock-guest")
	if err := os.WriteFile(path, fakeAgent(arch, content), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeAgent returns a static executable ELF for arch whose code is
// content: enough to pass the agent checks, not to run.
func fakeAgent(arch, content string) []byte {
	return buildELF(elf.ET_EXEC, elfMachine(arch), nil, testSection{".text", elf.SHT_PROGBITS, []byte(content)})
}
