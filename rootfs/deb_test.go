package rootfs

import (
	"archive/tar"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTestDeb writes raw as a package and reads it, collecting the data
// archive's file names.
func readTestDeb(t *testing.T, raw []byte) (debInfo, []string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.deb")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	var names []string
	info, err := readDeb(context.Background(), path, slog.New(slog.DiscardHandler), func(tr *tar.Reader) error {
		for {
			hdr, err := tr.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			names = append(names, cleanTarName(hdr.Name))
		}
	})
	return info, names, err
}

func TestReadDeb(t *testing.T) {
	d := fakeDeb{pkg: "linux-image-test", version: "1.0-1", arch: "amd64", files: map[string][]byte{"./boot/vmlinuz-x": []byte("k")}}
	for _, ext := range []string{".xz", ".gz"} {
		d.dataExt = ext
		info, names, err := readTestDeb(t, d.bytes(t))
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if info != (debInfo{Package: "linux-image-test", Version: "1.0-1", Architecture: "amd64"}) {
			t.Errorf("%s: info %+v", ext, info)
		}
		if strings.Join(names, ",") != "boot/,boot/vmlinuz-x" {
			t.Errorf("%s: names %v", ext, names)
		}
	}
}

func TestReadDebErrors(t *testing.T) {
	good := fakeDeb{pkg: "p", version: "1", arch: "amd64", files: map[string][]byte{"./f": nil}}
	noControl := good
	noControl.skipControl = true
	zst := good
	zst.dataExt = ".zst"
	cases := map[string][]byte{
		"not ar":         []byte("hello"),
		"wrong format":   buildAR(t, false, arMember{"debian-binary", "3.0\n"}),
		"first member":   buildAR(t, false, arMember{"control.tar.gz", ""}),
		"no data":        buildAR(t, false, arMember{"debian-binary", "2.0\n"}),
		"no control":     noControl.bytes(t),
		"zstd":           zst.bytes(t),
		"corrupt data":   buildAR(t, false, arMember{"debian-binary", "2.0\n"}, arMember{"control.tar.gz", string(gzipBytes(t, tarBytes(t, map[string][]byte{"./control": []byte("Package: p\nArchitecture: amd64\n")})))}, arMember{"data.tar.xz", "\xFD7zXZ\x00garbage"}),
		"control fields": buildAR(t, false, arMember{"debian-binary", "2.0\n"}, arMember{"control.tar.gz", string(gzipBytes(t, tarBytes(t, map[string][]byte{"./control": []byte("Version: 1\n")})))}),
	}
	for name, raw := range cases {
		if _, _, err := readTestDeb(t, raw); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := readDeb(context.Background(), filepath.Join(t.TempDir(), "missing.deb"), slog.New(slog.DiscardHandler), nil); err == nil {
		t.Error("missing file accepted")
	}
}

func TestParseControl(t *testing.T) {
	data := []byte("Package: linux-image-6.1.0-50-amd64\nSource: linux-signed-amd64 (6.1.176+1)\nVersion: 6.1.176-1\nArchitecture: amd64\nDescription: Linux 6.1\n Package: not-a-field\n\nPackage: second-paragraph\n")
	got := parseControl(data)
	want := debInfo{Package: "linux-image-6.1.0-50-amd64", Version: "6.1.176-1", Architecture: "amd64"}
	if got != want {
		t.Errorf("got %+v", got)
	}
}

func TestCleanTarName(t *testing.T) {
	for in, want := range map[string]string{"./boot/x": "boot/x", "/boot/x": "boot/x", "boot/x": "boot/x", "./": ""} {
		if got := cleanTarName(in); got != want {
			t.Errorf("%q: got %q", in, got)
		}
	}
}
