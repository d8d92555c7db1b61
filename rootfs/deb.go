package rootfs

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// maxControlSize bounds the control file read into memory.
const maxControlSize = 1 << 20

// debInfo is the part of a package's control file the build uses.
type debInfo struct {
	Package      string
	Version      string
	Architecture string
}

// readDeb reads the Debian package at path: it checks the format, parses
// the control file and hands the decompressed data archive to visit, which
// may stop reading early.
func readDeb(ctx context.Context, path string, log *slog.Logger, visit func(*tar.Reader) error) (debInfo, error) {
	var info debInfo
	f, err := os.Open(path)
	if err != nil {
		return info, fmt.Errorf("open deb %s: %w", path, err)
	}
	defer f.Close()
	ar, err := newARReader(f)
	if err != nil {
		return info, fmt.Errorf("read deb %s: %w", path, err)
	}
	name, _, r, err := ar.next()
	if err != nil {
		return info, fmt.Errorf("read deb %s: %w", path, noEOF(err))
	}
	version, err := io.ReadAll(io.LimitReader(r, 64))
	if err != nil {
		return info, fmt.Errorf("read deb %s: %w", path, err)
	}
	if name != "debian-binary" || !strings.HasPrefix(string(version), "2.") {
		return info, fmt.Errorf("read deb %s: not a Debian binary package (format 2.x)", path)
	}
	var sawControl, sawData bool
	for !sawData {
		name, _, r, err := ar.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return info, fmt.Errorf("read deb %s: %w", path, err)
		}
		switch {
		case strings.HasPrefix(name, "control.tar"):
			info, err = readControlMember(ctx, name, r, log)
			if err != nil {
				return info, fmt.Errorf("read deb %s: %w", path, err)
			}
			sawControl = true
		case strings.HasPrefix(name, "data.tar"):
			if !sawControl {
				return info, fmt.Errorf("read deb %s: data archive before control archive", path)
			}
			if err := readDataMember(ctx, name, r, log, visit); err != nil {
				return info, fmt.Errorf("read deb %s: %w", path, err)
			}
			sawData = true
		}
	}
	if !sawData {
		return info, fmt.Errorf("read deb %s: no data archive", path)
	}
	return info, nil
}

// readControlMember extracts and parses ./control from the control archive.
func readControlMember(ctx context.Context, name string, r io.Reader, log *slog.Logger) (debInfo, error) {
	rc, err := decompressor(ctx, name, r, log)
	if err != nil {
		return debInfo{}, err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return debInfo{}, fmt.Errorf("%s: no control file", name)
		}
		if err != nil {
			return debInfo{}, fmt.Errorf("read %s: %w", name, err)
		}
		if cleanTarName(hdr.Name) != "control" || hdr.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxControlSize+1))
		if err != nil {
			return debInfo{}, fmt.Errorf("read %s: %w", name, err)
		}
		if len(data) > maxControlSize {
			return debInfo{}, fmt.Errorf("%s: control file too large", name)
		}
		info := parseControl(data)
		if info.Package == "" || info.Architecture == "" {
			return info, fmt.Errorf("%s: control file lacks Package or Architecture", name)
		}
		return info, nil
	}
}

// readDataMember streams the data archive to visit and then reads the rest
// of the member, so a corrupt compressed stream is noticed even when visit
// stops early.
func readDataMember(ctx context.Context, name string, r io.Reader, log *slog.Logger, visit func(*tar.Reader) error) (err error) {
	rc, err := decompressor(ctx, name, r, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := rc.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	if err := visit(tar.NewReader(rc)); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// parseControl reads the fields the build needs from a control file.
func parseControl(data []byte) debInfo {
	var info debInfo
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxControlSize)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break // only the first paragraph describes the package
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			continue
		}
		value = strings.TrimSpace(value)
		switch key {
		case "Package":
			info.Package = value
		case "Version":
			info.Version = value
		case "Architecture":
			info.Architecture = value
		}
	}
	return info
}

// cleanTarName strips the "./" or "/" prefix of a tar entry name.
func cleanTarName(name string) string {
	name = strings.TrimPrefix(name, "./")
	return strings.TrimLeft(name, "/")
}
