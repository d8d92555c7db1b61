package tools

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewMountsRefusesBadMounts(t *testing.T) {
	base := t.TempDir()
	a, b, file := filepath.Join(base, "a"), filepath.Join(base, "a", "b"), filepath.Join(base, "f")
	os.MkdirAll(b, 0o755)
	os.WriteFile(file, nil, 0o644)
	link := filepath.Join(base, "link-to-a")
	os.Symlink(a, link)
	home := filepath.Join(base, "home")
	os.Mkdir(home, 0o755)

	bad := map[string][]Mount{
		"missing":          {{Path: filepath.Join(base, "nope")}},
		"not a dir":        {{Path: file}},
		"root":             {{Path: "/"}},
		"home":             {{Path: home}},
		"nested":           {{Path: a}, {Path: b}},
		"nested reverse":   {{Path: b}, {Path: a}},
		"same via symlink": {{Path: a}, {Path: link}},
		"none":             {},
		"comma in path":    {{Path: mkdir(t, base, "x,y")}},
	}
	for name, specs := range bad {
		if _, err := NewMounts(specs, home); err == nil {
			t.Errorf("%s: NewMounts accepted %v", name, specs)
		}
	}
	ms, err := NewMounts([]Mount{{Path: a}, {Path: file[:0] + mkdir(t, base, "A")}, {Path: mkdir(t, base, "other/a"), ReadOnly: true}}, home)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	if strings.Join(names, ",") != "a,a-2,a-3" {
		t.Errorf("names = %v", names)
	}
}

func mkdir(t *testing.T, base, name string) string {
	p := filepath.Join(base, name)
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolve(t *testing.T) {
	base := t.TempDir()
	proj := mkdir(t, base, "real/proj")
	alias := filepath.Join(base, "alias")
	os.Symlink(filepath.Join(base, "real"), alias) // like /tmp -> /private/tmp
	docs := mkdir(t, base, "docs")
	ms, err := NewMounts([]Mount{{Path: filepath.Join(alias, "proj")}, {Path: docs, ReadOnly: true}}, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in, mount, rel string
	}{
		{"notes.txt", "proj", "notes.txt"},
		{".", "proj", "."},
		{"sub/../notes.txt", "proj", "notes.txt"},
		{filepath.Join(alias, "proj", "a/b"), "proj", "a/b"},
		{filepath.Join(proj, "a/b"), "proj", "a/b"}, // the real spelling
		{filepath.Join(docs, "x.md"), "docs", "x.md"},
		{docs, "docs", "."},
		{docs + "/", "docs", "."},
	}
	for _, tt := range tests {
		got, err := ms.Resolve(tt.in)
		if err != nil || got.Mount.Name != tt.mount || got.Rel != tt.rel {
			t.Errorf("Resolve(%q) = %v/%q, %v; want %s/%s", tt.in, got.Mount, got.Rel, err, tt.mount, tt.rel)
		}
	}
	for _, in := range []string{
		"../x", "../../etc/passwd", "/etc/passwd", filepath.Join(proj, "../other"),
		docs + "-evil/x", filepath.Join(docs, "..", "real"), "~/x", "~", "a\x00b",
		base, "/", filepath.Join(alias, "proj") + "/../proj2",
	} {
		if got, err := ms.Resolve(in); !errors.Is(err, ErrOutside) {
			t.Errorf("Resolve(%q) = %+v, %v; want ErrOutside", in, got, err)
		}
	}
}
