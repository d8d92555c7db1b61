package rootfs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
)

// Bounds on what is read into memory from a package.
const (
	maxVmlinuzSize = 128 << 20
	maxModuleSize  = 128 << 20
	maxBuiltinSize = 16 << 20
)

// packageModule is a kernel module found in a package. Usable modules are
// appended, uncompressed, to the spool file; the others carry the reason in
// Err.
type packageModule struct {
	Name    string   // normalised module name
	File    string   // file name to ship, without compression suffix
	Version string   // the lib/modules/<version> directory it came from
	Offset  int64    // where the module starts in the spool file
	Size    int64    // its uncompressed size
	Deps    []string // normalised dependency names
	Err     error
}

// packageContents is what a build takes from a kernel package's data
// archive.
type packageContents struct {
	KernelVersion string
	Vmlinuz       []byte
	Modules       []packageModule
	Builtin       map[string][]byte // modules.builtin by kernel version
}

// dataScanner collects packageContents from a data archive. Modules are
// appended to one spool file, so that only one module is in memory at a
// time and thousands of small files need not be created.
type dataScanner struct {
	spool     io.Writer
	spoolSize int64
	machine   elf.Machine
	onKernel  func(version string, vmlinuz []byte)
	log       *slog.Logger
	buf       bytes.Buffer
	out       packageContents
}

// scanData reads every entry of the data archive tr, appending modules to
// spool. onKernel, when not nil, is called as soon as the kernel is read so
// that its decompression can overlap the rest of the scan.
func scanData(ctx context.Context, tr *tar.Reader, spool io.Writer, machine elf.Machine, onKernel func(string, []byte), log *slog.Logger) (*packageContents, error) {
	s := &dataScanner{spool: spool, machine: machine, onKernel: onKernel, log: log}
	s.out.Builtin = map[string][]byte{}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return &s.out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read data archive: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if err := s.entry(cleanTarName(hdr.Name), tr); err != nil {
			return nil, err
		}
	}
}

// entry handles one regular file of the data archive.
func (s *dataScanner) entry(name string, r io.Reader) error {
	if ver, ok := strings.CutPrefix(name, "boot/vmlinuz-"); ok && !strings.Contains(ver, "/") {
		if s.out.Vmlinuz != nil {
			return fmt.Errorf("package has more than one kernel (%s and %s)", s.out.KernelVersion, ver)
		}
		data, err := readLimited(r, maxVmlinuzSize, name)
		if err != nil {
			return err
		}
		s.out.KernelVersion, s.out.Vmlinuz = ver, data
		if s.onKernel != nil {
			s.onKernel(ver, data)
		}
		return nil
	}
	ver, rel, ok := splitModulesPath(name)
	if !ok {
		return nil
	}
	if rel == "modules.builtin" {
		data, err := readLimited(r, maxBuiltinSize, name)
		if err != nil {
			return err
		}
		s.out.Builtin[ver] = data
		return nil
	}
	if !strings.HasPrefix(rel, "kernel/") {
		return nil
	}
	modName, compression, ok := moduleFileName(path.Base(rel))
	if !ok {
		return nil
	}
	m := packageModule{
		Name:    modName,
		File:    strings.TrimSuffix(path.Base(rel), compression),
		Version: ver,
	}
	unusable, err := s.module(&m, name, compression, r)
	if err != nil {
		return err
	}
	if unusable != nil {
		s.log.Debug("module not usable", "module", name, "err", unusable)
		m.Err = unusable
	}
	s.out.Modules = append(s.out.Modules, m)
	return nil
}

// module reads one module, parses its .modinfo and spools it. An unusable
// module (corrupt, unsupported compression, wrong machine) only fails the
// build if it is needed; err is a host failure that fails it at once.
func (s *dataScanner) module(m *packageModule, name, compression string, r io.Reader) (unusable, err error) {
	s.buf.Reset()
	if _, err := io.Copy(&s.buf, io.LimitReader(r, maxModuleSize+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if s.buf.Len() > maxModuleSize {
		return fmt.Errorf("%s exceeds %d bytes", name, maxModuleSize), nil
	}
	data := s.buf.Bytes()
	switch compression {
	case ".xz":
		var out bytes.Buffer
		if _, err := decodeXZStream(bytes.NewReader(data), &out, maxModuleSize); err != nil {
			return fmt.Errorf("decompress %s: %w", name, err), nil
		}
		data = out.Bytes()
	case ".gz":
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("decompress %s: %w", name, err), nil
		}
		if data, err = readLimited(zr, maxModuleSize, name); err != nil {
			return err, nil
		}
	case ".zst":
		return fmt.Errorf("%s: %w", name, errZstd), nil
	}
	info, err := parseModinfo(data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err), nil
	}
	if info.Machine != s.machine {
		return fmt.Errorf("%s is built for %v, not %v", name, info.Machine, s.machine), nil
	}
	if info.Name != "" {
		m.Name = info.Name
	}
	m.Deps = info.Depends
	if _, err := s.spool.Write(data); err != nil {
		return nil, fmt.Errorf("spool %s: %w", name, err)
	}
	m.Offset, m.Size = s.spoolSize, int64(len(data))
	s.spoolSize += m.Size
	return nil, nil
}

// splitModulesPath splits "lib/modules/<version>/<rel>" (or the same under
// usr/) into its version and relative path.
func splitModulesPath(name string) (version, rel string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimPrefix(name, "usr/"), "lib/modules/")
	if !ok {
		return "", "", false
	}
	version, rel, ok = strings.Cut(rest, "/")
	if !ok || version == "" || rel == "" {
		return "", "", false
	}
	return version, rel, true
}

// readLimited reads all of r, failing beyond limit bytes.
func readLimited(r io.Reader, limit int64, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s exceeds %d bytes", name, limit)
	}
	return data, nil
}

// graph builds the module graph of one kernel version. The first module
// of a name wins; later duplicates are ignored.
func (c *packageContents) graph(version string) moduleGraph {
	g := moduleGraph{
		deps:     map[string][]string{},
		builtin:  parseModulesBuiltin(c.Builtin[version]),
		unusable: map[string]error{},
	}
	for _, m := range c.Modules {
		if m.Version != version {
			continue
		}
		_, seen := g.deps[m.Name]
		_, seenBad := g.unusable[m.Name]
		if seen || seenBad {
			continue
		}
		if m.Err != nil {
			g.unusable[m.Name] = m.Err
			continue
		}
		g.deps[m.Name] = m.Deps
	}
	return g
}

// module returns the first usable module of a name and version.
func (c *packageContents) module(version, name string) (packageModule, bool) {
	for _, m := range c.Modules {
		if m.Version == version && m.Name == name && m.Err == nil {
			return m, true
		}
	}
	return packageModule{}, false
}
