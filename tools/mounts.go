package tools

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/airlock-dev/airlock/vm"
)

// Mount is a host folder the user made visible to the agent.
type Mount struct {
	// Name is the share name inside the VM (/mnt/<Name>).
	Name string
	// Path is the absolute, cleaned host path as the user gave it.
	Path string
	// Real is Path with symlinks resolved (on macOS /tmp is /private/tmp).
	// Tool paths under either spelling map to this mount.
	Real     string
	ReadOnly bool
}

// Mounts is the ordered set of mounts; the first is the base for relative
// tool paths.
type Mounts []Mount

// ErrOutside is returned for a tool path that is not inside any mount.
var ErrOutside = errors.New("path is outside the mounted folders")

// ParseMountFlag parses PATH[:ro|:rw]. Mounts are read-only unless :rw.
func ParseMountFlag(s string) (path string, readOnly bool, err error) {
	readOnly = true
	switch {
	case strings.HasSuffix(s, ":rw"):
		s, readOnly = strings.TrimSuffix(s, ":rw"), false
	case strings.HasSuffix(s, ":ro"):
		s = strings.TrimSuffix(s, ":ro")
	}
	if s == "" {
		return "", false, fmt.Errorf("--mount: empty path")
	}
	return s, readOnly, nil
}

var nameClean = regexp.MustCompile(`[^a-z0-9_-]+`)

// NewMounts validates the user's mounts: each must exist and be a
// directory, must not be / or the home directory itself, and no two may
// overlap (one inside another, also through symlinks). Names are derived
// from the folders' base names.
func NewMounts(specs []Mount, home string) (Mounts, error) {
	var ms Mounts
	used := map[string]bool{}
	for _, s := range specs {
		if strings.ContainsRune(s.Path, 0) {
			return nil, fmt.Errorf("mount %q: path contains a NUL byte", s.Path)
		}
		abs, err := filepath.Abs(s.Path)
		if err != nil {
			return nil, fmt.Errorf("mount %s: %w", s.Path, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("mount %s: %w", s.Path, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("mount %s: not a directory", s.Path)
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, fmt.Errorf("mount %s: %w", s.Path, err)
		}
		if real == "/" || abs == "/" {
			return nil, fmt.Errorf("mount %s: refusing to mount the root directory", s.Path)
		}
		if home != "" {
			if realHome, err := filepath.EvalSymlinks(home); err == nil && (real == realHome || abs == filepath.Clean(home)) {
				return nil, fmt.Errorf("mount %s: refusing to mount the home directory itself; mount the project folders inside it", s.Path)
			}
		}
		if strings.ContainsAny(abs, ",\n") || strings.ContainsAny(real, ",\n") {
			return nil, fmt.Errorf("mount %s: paths with commas or newlines cannot be shared with the VM", s.Path)
		}
		for _, o := range ms {
			if within(real, o.Real) || within(o.Real, real) {
				return nil, fmt.Errorf("mount %s overlaps mount %s", s.Path, o.Path)
			}
		}
		base := nameClean.ReplaceAllString(strings.ToLower(filepath.Base(real)), "-")
		base = strings.Trim(base, "-_")
		if base == "" {
			base = "mount"
		}
		if len(base) > 24 {
			base = base[:24]
		}
		name := base
		for i := 2; used[name]; i++ {
			name = base + "-" + strconv.Itoa(i)
		}
		used[name] = true
		ms = append(ms, Mount{Name: name, Path: abs, Real: real, ReadOnly: s.ReadOnly})
	}
	if len(ms) == 0 {
		return nil, errors.New("no folders mounted: pass --mount PATH[:rw]")
	}
	return ms, nil
}

// within reports whether p is dir or inside it (lexically).
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// Target is a tool path mapped into a mount.
type Target struct {
	Mount *Mount
	Rel   string // slash-separated, relative to the mount root; "." for the root
}

// HostPath is the target's path on the host, in the mount's spelling.
func (t Target) HostPath() string {
	if t.Rel == "." {
		return t.Mount.Path
	}
	return filepath.Join(t.Mount.Path, filepath.FromSlash(t.Rel))
}

// Resolve maps a tool path (absolute, or relative to the first mount) to
// a mount and a relative path. It works lexically: `..` is resolved
// before the check, so it cannot climb out; symlinks inside a mount are
// left to the guest, which confines them with os.Root.
func (ms Mounts) Resolve(p string) (Target, error) {
	if strings.ContainsRune(p, 0) {
		return Target{}, fmt.Errorf("%w: path contains a NUL byte", ErrOutside)
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		return Target{}, fmt.Errorf("%w: ~ is not expanded; use an absolute path", ErrOutside)
	}
	if !filepath.IsAbs(p) {
		if len(ms) == 0 {
			return Target{}, ErrOutside
		}
		p = filepath.Join(ms[0].Path, p)
	}
	p = filepath.Clean(p)
	for i := range ms {
		m := &ms[i]
		for _, root := range []string{m.Path, m.Real} {
			if within(p, root) {
				rel, err := filepath.Rel(root, p)
				if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
					break
				}
				return Target{Mount: m, Rel: filepath.ToSlash(rel)}, nil
			}
		}
	}
	return Target{}, ErrOutside
}

// Shares converts the mounts to VM shares. The real path is shared, so
// QEMU never follows a symlink in the mount path itself.
func (ms Mounts) Shares() []vm.Share {
	out := make([]vm.Share, len(ms))
	for i, m := range ms {
		out[i] = vm.Share{Name: m.Name, HostPath: m.Real, ReadOnly: m.ReadOnly}
	}
	return out
}
