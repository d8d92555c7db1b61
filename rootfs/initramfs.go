package rootfs

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// moduleListPath is where the initramfs lists the modules to load, one file
// name per line in load order.
const moduleListPath = "etc/airlock/modules"

// initramfsModuleDir holds the module files in the initramfs.
const initramfsModuleDir = "lib/modules"

// initramfsDirs are the directories every initramfs contains, parents first.
var initramfsDirs = []struct {
	name string
	perm fs.FileMode
}{
	{"dev", 0o755},
	{"proc", 0o555},
	{"sys", 0o555},
	{"tmp", 0o777 | fs.ModeSticky},
	{"run", 0o755},
	{"mnt", 0o755},
	{"etc", 0o755},
	{"etc/airlock", 0o755},
	{"lib", 0o755},
	{initramfsModuleDir, 0o755},
}

// shippedModule is a kernel module file copied into the initramfs.
type shippedModule struct {
	File string // file name in the initramfs, e.g. "virtio-rng.ko"
	Path string // where its content is on the host
}

// writeInitramfs writes the guest initramfs to w: the fixed directories,
// /dev/console and /dev/null, the agent as /init, the modules and their
// load-order list. The same inputs always produce the same bytes.
func writeInitramfs(w io.Writer, agentPath string, modules []shippedModule) error {
	cw := newCPIOWriter(w)
	for _, d := range initramfsDirs {
		if err := cw.dir(d.name, d.perm); err != nil {
			return err
		}
	}
	if err := cw.charDevice("dev/console", 0o600, 5, 1); err != nil {
		return err
	}
	if err := cw.charDevice("dev/null", 0o666, 1, 3); err != nil {
		return err
	}
	if err := addHostFile(cw, "init", 0o755, agentPath); err != nil {
		return err
	}
	var list strings.Builder
	for _, m := range modules {
		if m.File == "" || strings.ContainsAny(m.File, "/\n") || !strings.HasSuffix(m.File, ".ko") {
			return fmt.Errorf("invalid module file name %q", m.File)
		}
		list.WriteString(m.File + "\n")
	}
	if err := cw.file(moduleListPath, 0o644, int64(list.Len()), strings.NewReader(list.String())); err != nil {
		return err
	}
	for _, m := range modules {
		if err := addHostFile(cw, initramfsModuleDir+"/"+m.File, 0o644, m.Path); err != nil {
			return err
		}
	}
	return cw.close()
}

// addHostFile copies a host file into the archive.
func addHostFile(cw *cpioWriter, name string, perm fs.FileMode, hostPath string) error {
	f, err := os.Open(hostPath)
	if err != nil {
		return fmt.Errorf("open %s: %w", hostPath, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", hostPath, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", hostPath)
	}
	return cw.file(name, perm, info.Size(), f)
}
