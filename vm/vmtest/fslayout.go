package vmtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// Layout entries, in the style of os.Root's tests:
//
//	"d/"             a directory
//	"f"              a file whose content is "inside:f"
//	"f=text"         a file with the given content
//	"l => target"    a symlink (target as written; OUTSIDE expands to the
//	                 absolute path of the outside directory)
//	"h <= outside"   a hard link to the outside secret file
//	"p|"             a FIFO
//	"s="             a unix socket (bound, then left)
//	"c%"             a character device (1:3, like /dev/null)
type layout []string

// secretMarker is the content of the file outside the share. No operation
// on the share may ever return it (except through a hard link, which
// genuinely puts the file inside the share) or change it.
const secretMarker = "OUTSIDE-SECRET-4f1d"

// makeLayout creates l under root. outside is the directory next to root
// holding the secret.
func makeLayout(t *testing.T, root, outside string, l layout) {
	t.Helper()
	for _, e := range l {
		switch {
		case strings.Contains(e, " => "):
			name, target, _ := strings.Cut(e, " => ")
			target = strings.ReplaceAll(target, "OUTSIDE", outside)
			mkParent(t, root, name)
			must(t, os.Symlink(target, filepath.Join(root, name)))
		case strings.Contains(e, " <= "):
			name, _, _ := strings.Cut(e, " <= ")
			mkParent(t, root, name)
			must(t, os.Link(filepath.Join(outside, "secret.txt"), filepath.Join(root, name)))
		case strings.HasSuffix(e, "/"):
			must(t, os.MkdirAll(filepath.Join(root, e), 0o755))
		case strings.HasSuffix(e, "|"):
			name := strings.TrimSuffix(e, "|")
			mkParent(t, root, name)
			must(t, syscall.Mkfifo(filepath.Join(root, name), 0o644))
		case strings.HasSuffix(e, "%"):
			name := strings.TrimSuffix(e, "%")
			mkParent(t, root, name)
			if err := syscall.Mknod(filepath.Join(root, name), syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
				t.Logf("cannot create device node %s (not root?): %v", name, err)
			}
		case strings.HasSuffix(e, "="):
			name := strings.TrimSuffix(e, "=")
			mkParent(t, root, name)
			p := filepath.Join(root, name)
			if len(p) < 100 {
				l, err := net.Listen("unix", p)
				must(t, err)
				l.(*net.UnixListener).SetUnlinkOnClose(false)
				l.Close()
			}
		default:
			name, content, ok := strings.Cut(e, "=")
			if !ok {
				content = "inside:" + name
			}
			mkParent(t, root, name)
			must(t, os.WriteFile(filepath.Join(root, name), []byte(content), 0o644))
		}
	}
}

func mkParent(t *testing.T, root, name string) {
	must(t, os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755))
}

// treeDigest summarises a directory tree (names, types, modes, sizes,
// content hashes, link targets) so that any change shows.
func treeDigest(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		line := fmt.Sprintf("%q %v %d", rel, fi.Mode(), fi.Size())
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			line += " " + hex.EncodeToString(sum[:8])
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatalf("digest %s: %v", dir, err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
