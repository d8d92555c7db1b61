package rootfs

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestWriteInitramfs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	agent := write("agent", "\x7fELF static agent")
	mods := []shippedModule{
		{File: "virtio.ko", Path: write("a.ko", "module virtio")},
		{File: "virtio-rng.ko", Path: write("b.ko", "module rng!")},
	}
	var first bytes.Buffer
	if err := writeInitramfs(&first, agent, mods); err != nil {
		t.Fatal(err)
	}

	entries := parseCPIO(t, first.Bytes())
	var names []string
	byName := map[string]parsedEntry{}
	for _, e := range entries {
		names = append(names, e.name)
		byName[e.name] = e
	}
	want := []string{
		"dev", "proc", "sys", "tmp", "run", "mnt", "etc", "etc/airlock", "lib", "lib/modules",
		"dev/console", "dev/null", "init", "etc/airlock/modules",
		"lib/modules/virtio.ko", "lib/modules/virtio-rng.ko",
	}
	if !slices.Equal(names, want) {
		t.Fatalf("entries:\n got %v\nwant %v", names, want)
	}
	checks := []struct {
		name string
		mode uint32
		data string
	}{
		{"init", 0o100755, "\x7fELF static agent"},
		{"etc/airlock/modules", 0o100644, "virtio.ko\nvirtio-rng.ko\n"},
		{"lib/modules/virtio-rng.ko", 0o100644, "module rng!"},
		{"tmp", 0o041777, ""},
		{"dev", 0o040755, ""},
	}
	for _, c := range checks {
		e := byName[c.name]
		if e.mode != c.mode || string(e.data) != c.data {
			t.Errorf("%s: mode %o data %q, want %o %q", c.name, e.mode, e.data, c.mode, c.data)
		}
	}
	if e := byName["dev/console"]; e.mode != 0o020600 || e.rmaj != 5 || e.rmin != 1 {
		t.Errorf("dev/console: %+v", e)
	}
	if e := byName["dev/null"]; e.mode != 0o020666 || e.rmaj != 1 || e.rmin != 3 {
		t.Errorf("dev/null: %+v", e)
	}

	// Host timestamps and permissions must not leak into the archive.
	later := time.Now().Add(time.Hour)
	for _, p := range []string{agent, mods[0].Path, mods[1].Path} {
		os.Chtimes(p, later, later)
		os.Chmod(p, 0o644)
	}
	var second bytes.Buffer
	if err := writeInitramfs(&second, agent, mods); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("same inputs produced different archives")
	}
}

func TestWriteInitramfsErrors(t *testing.T) {
	dir := t.TempDir()
	agent := filepath.Join(dir, "agent")
	os.WriteFile(agent, []byte("agent"), 0o755)
	if err := writeInitramfs(&bytes.Buffer{}, filepath.Join(dir, "missing"), nil); err == nil {
		t.Error("missing agent accepted")
	}
	if err := writeInitramfs(&bytes.Buffer{}, dir, nil); err == nil {
		t.Error("directory as agent accepted")
	}
	for _, file := range []string{"../evil.ko", "a\nb.ko", "notamodule", ""} {
		mods := []shippedModule{{File: file, Path: agent}}
		if err := writeInitramfs(&bytes.Buffer{}, agent, mods); err == nil {
			t.Errorf("module file name %q accepted", file)
		}
	}
}
