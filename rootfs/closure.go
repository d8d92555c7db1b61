package rootfs

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
)

// moduleGraph describes the modules of one kernel package by normalised
// name.
type moduleGraph struct {
	// deps maps every shippable module to the modules it depends on.
	deps map[string][]string
	// builtin holds the modules compiled into the kernel.
	builtin map[string]bool
	// unusable maps modules present in the package that cannot be shipped
	// to the reason why.
	unusable map[string]error
}

// closure returns the modules to load for roots, every module after all of
// its dependencies, and the roots that are built into the kernel. The order
// is deterministic: roots in the order given, each preceded by its
// not-yet-listed dependencies in name order.
func (g moduleGraph) closure(roots []string) (order, builtin []string, err error) {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var visit func(name, parent string) error
	visit = func(name, parent string) error {
		switch state[name] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("module dependency cycle through %s", name)
		}
		deps, ok := g.deps[name]
		if !ok {
			if reason, bad := g.unusable[name]; bad {
				return fmt.Errorf("module %s%s cannot be used: %w", name, neededBy(parent), reason)
			}
			if g.builtin[name] {
				state[name] = done
				return nil
			}
			return fmt.Errorf("module %s%s not found in the kernel package", name, neededBy(parent))
		}
		state[name] = visiting
		for _, dep := range slices.Sorted(slices.Values(deps)) {
			if err := visit(dep, name); err != nil {
				return err
			}
		}
		state[name] = done
		order = append(order, name)
		return nil
	}
	for _, root := range roots {
		root = normalizeModName(root)
		if _, ok := g.deps[root]; !ok && g.builtin[root] {
			if !slices.Contains(builtin, root) {
				builtin = append(builtin, root)
			}
			continue
		}
		if err := visit(root, ""); err != nil {
			return nil, nil, err
		}
	}
	return order, builtin, nil
}

// neededBy phrases which module asked for a dependency.
func neededBy(parent string) string {
	if parent == "" {
		return ""
	}
	return " (needed by " + parent + ")"
}

// parseModulesBuiltin reads a modules.builtin file, which lists the paths
// of built-in modules ("kernel/fs/ext4/ext4.ko"), and returns their
// normalised names.
func parseModulesBuiltin(data []byte) map[string]bool {
	names := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if name, _, ok := moduleFileName(path.Base(line)); ok {
			names[name] = true
		}
	}
	return names
}
