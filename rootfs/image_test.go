package rootfs

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeTestImage creates a valid image directory under cache without a
// build and returns it.
func writeTestImage(t *testing.T, cache, arch string) Image {
	t.Helper()
	kernel, initrd := []byte("kernel-"+arch), []byte("initrd-"+arch)
	m := Manifest{
		Arch:           arch,
		KernelSHA256:   sha256Hex(kernel),
		InitrdSHA256:   sha256Hex(initrd),
		BuilderVersion: BuilderVersion,
		Created:        time.Unix(0, 0).UTC(),
	}
	m.ID = imageID(m.KernelSHA256, m.InitrdSHA256)
	dir := filepath.Join(imagesDir(cache), m.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(m)
	os.WriteFile(filepath.Join(dir, manifestName), data, 0o644)
	os.WriteFile(filepath.Join(dir, kernelFileName(arch)), kernel, 0o644)
	os.WriteFile(filepath.Join(dir, initrdName), initrd, 0o644)
	if err := setCurrent(cache, arch, m.ID); err != nil {
		t.Fatal(err)
	}
	return Image{Dir: dir, Kernel: filepath.Join(dir, kernelFileName(arch)), Initrd: filepath.Join(dir, initrdName), Manifest: m}
}

func TestOpenAndCurrent(t *testing.T) {
	cache := t.TempDir()
	want := writeTestImage(t, cache, ArchARM64)
	img, err := Open(want.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if img.Kernel != want.Kernel || img.Initrd != want.Initrd || img.Manifest.ID != want.Manifest.ID {
		t.Errorf("got %+v", img)
	}
	cur, err := Current(cache, ArchARM64)
	if err != nil || cur.Dir != want.Dir {
		t.Errorf("Current: %+v, %v", cur, err)
	}
	if _, err := Current(cache, ArchAMD64); !errors.Is(err, ErrNoImage) {
		t.Errorf("Current without image: %v", err)
	}
	if _, err := Current(cache, "sparc"); err == nil {
		t.Error("bad architecture accepted")
	}
}

func TestOpenDetectsTampering(t *testing.T) {
	cases := map[string]func(img Image){
		"kernel changed": func(img Image) { os.WriteFile(img.Kernel, []byte("evil"), 0o644) },
		"initrd changed": func(img Image) { os.WriteFile(img.Initrd, []byte("evil"), 0o644) },
		"manifest digest changed": func(img Image) {
			m := img.Manifest
			m.InitrdSHA256 = sha256Hex([]byte("evil"))
			data, _ := json.Marshal(m)
			os.WriteFile(filepath.Join(img.Dir, manifestName), data, 0o644)
		},
		"manifest garbage": func(img Image) { os.WriteFile(filepath.Join(img.Dir, manifestName), []byte("{"), 0o644) },
		"manifest arch": func(img Image) {
			m := img.Manifest
			m.Arch = "mips"
			data, _ := json.Marshal(m)
			os.WriteFile(filepath.Join(img.Dir, manifestName), data, 0o644)
		},
	}
	for name, tamper := range cases {
		cache := t.TempDir()
		img := writeTestImage(t, cache, ArchAMD64)
		tamper(img)
		if _, err := Open(img.Dir); err == nil {
			t.Errorf("%s: Open succeeded", name)
		}
	}

	// Renamed directory: the ID no longer matches.
	cache := t.TempDir()
	img := writeTestImage(t, cache, ArchAMD64)
	moved := filepath.Join(cache, "elsewhere")
	os.Rename(img.Dir, moved)
	if _, err := Open(moved); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "does not match directory") {
		t.Errorf("moved image: %v", err)
	}
	if _, err := Current(cache, ArchAMD64); !errors.Is(err, ErrNoImage) {
		t.Errorf("Current with removed image: %v", err)
	}
	os.WriteFile(currentPath(cache, ArchAMD64), []byte("../../etc\n"), 0o644)
	if _, err := Current(cache, ArchAMD64); !errors.Is(err, ErrCorrupt) {
		t.Errorf("bad pointer: %v", err)
	}
	if _, err := Open(filepath.Join(cache, "nothing")); err == nil {
		t.Error("Open of a missing directory succeeded")
	}
}

func TestImageID(t *testing.T) {
	a, b := sha256Hex([]byte("k")), sha256Hex([]byte("i"))
	id := imageID(a, b)
	if !isHexDigest(id) || id == imageID(b, a) || id != imageID(a, b) {
		t.Errorf("imageID not a stable, order-sensitive digest: %s", id)
	}
	if id != sha256Hex([]byte(a+"\n"+b+"\n")) {
		t.Error("imageID does not follow its documented definition")
	}
	for _, s := range []string{"", "abc", strings.ToUpper(id), id + "0", strings.Repeat("g", 64)} {
		if isHexDigest(s) {
			t.Errorf("%q accepted as digest", s)
		}
	}
}
