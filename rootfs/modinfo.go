package rootfs

import (
	"bytes"
	"debug/elf"
	"fmt"
	"strings"
)

// modInfo is what the build needs from a kernel module's .modinfo section.
type modInfo struct {
	Name    string   // normalised module name; empty when not recorded
	Depends []string // normalised names of the modules it needs
	Machine elf.Machine
}

// parseModinfo reads the .modinfo section of a kernel module (an ELF
// relocatable object) held in memory.
func parseModinfo(ko []byte) (modInfo, error) {
	f, err := elf.NewFile(bytes.NewReader(ko))
	if err != nil {
		return modInfo{}, fmt.Errorf("parse module ELF: %w", err)
	}
	defer f.Close()
	sec := f.Section(".modinfo")
	if sec == nil {
		return modInfo{}, fmt.Errorf("module has no .modinfo section")
	}
	data, err := sec.Data()
	if err != nil {
		return modInfo{}, fmt.Errorf("read .modinfo: %w", err)
	}
	info := parseModinfoSection(data)
	info.Machine = f.Machine
	return info, nil
}

// parseModinfoSection parses the NUL-separated key=value strings of a
// .modinfo section.
func parseModinfoSection(data []byte) modInfo {
	var info modInfo
	for field := range bytes.SplitSeq(data, []byte{0}) {
		key, value, ok := strings.Cut(string(field), "=")
		if !ok {
			continue
		}
		switch key {
		case "name":
			info.Name = normalizeModName(value)
		case "depends":
			for dep := range strings.SplitSeq(value, ",") {
				if dep = strings.TrimSpace(dep); dep != "" {
					info.Depends = append(info.Depends, normalizeModName(dep))
				}
			}
		}
	}
	return info
}

// normalizeModName returns the canonical spelling of a module name: the
// kernel treats '-' and '_' alike and reports names with '_'.
func normalizeModName(name string) string {
	return strings.ReplaceAll(name, "-", "_")
}

// moduleFileName splits a module file name into the module's normalised
// name and its compression ("", ".xz", ".zst", ".gz"). ok is false for
// files that are not modules.
func moduleFileName(base string) (name, compression string, ok bool) {
	for _, ext := range []string{"", ".xz", ".zst", ".gz"} {
		if stem, found := strings.CutSuffix(base, ".ko"+ext); found && stem != "" {
			return normalizeModName(stem), ext, true
		}
	}
	return "", "", false
}
