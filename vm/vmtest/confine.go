package vmtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// confineCase is one row of the file-system layout table: a layout created
// on the host inside the share, and the path every operation is given.
type confineCase struct {
	name   string
	layout layout
	path   string
	// read is the expected outcome of reading path: "" for success, or an
	// error code, or "fail" for any error.
	read string
	// leakOK marks paths that legitimately reach the outside file's
	// content (a hard link puts that inode inside the share).
	leakOK bool
}

var confineCases = []confineCase{
	{name: "plain file", layout: layout{"f"}, path: "f"},
	{name: "file in dir", layout: layout{"d/", "d/f"}, path: "d/f"},
	{name: "dotdot", layout: layout{"d/"}, path: "../outside/secret.txt", read: "outside_mount"},
	{name: "dotdot in the middle", layout: layout{"d/"}, path: "d/../../outside/secret.txt", read: "outside_mount"},
	{name: "dotdot alone", path: "..", read: "outside_mount"},
	{name: "dot then dotdot", path: "./../outside/secret.txt", read: "outside_mount"},
	{name: "trailing dotdot", layout: layout{"d/"}, path: "d/..", read: "outside_mount"},
	{name: "absolute", path: "/etc/passwd", read: "outside_mount"},
	{name: "absolute to outside", path: "OUTSIDE/secret.txt", read: "outside_mount"},
	{name: "double slash absolute", path: "//etc/passwd", read: "outside_mount"},
	{name: "backslash", path: `..\outside\secret.txt`, read: "invalid"},
	{name: "NUL byte", layout: layout{"f"}, path: "f\x00/../../outside/secret.txt", read: "invalid"},
	{name: "relative symlink out", layout: layout{"l => ../outside/secret.txt"}, path: "l", read: "fail"},
	{name: "absolute symlink out", layout: layout{"l => OUTSIDE/secret.txt"}, path: "l", read: "fail"},
	{name: "directory symlink out", layout: layout{"l => ../outside"}, path: "l/secret.txt", read: "fail"},
	{name: "symlink chain escapes after hops", layout: layout{"d/", "d/a => ../b", "b => c", "c => ../outside/secret.txt"}, path: "d/a", read: "fail"},
	{name: "symlink to parent", layout: layout{"up => .."}, path: "up/outside/secret.txt", read: "fail"},
	{name: "symlink with trailing slash", layout: layout{"l => ../outside/"}, path: "l/secret.txt", read: "fail"},
	{name: "symlink loop", layout: layout{"loop => loop"}, path: "loop", read: "fail"},
	{name: "symlink loop pair", layout: layout{"a => b", "b => a"}, path: "a/x", read: "fail"},
	{name: "symlink inside", layout: layout{"f", "l => f"}, path: "l", read: "fail"},
	{name: "hard link to outside", layout: layout{"h <= outside"}, path: "h", leakOK: true},
	{name: "fifo", layout: layout{"p|"}, path: "p", read: "not_regular"},
	{name: "socket", layout: layout{"s="}, path: "s", read: "fail"},
	{name: "device node", layout: layout{"c%"}, path: "c", read: "fail"},
	{name: "newline in name", layout: layout{"a\nb"}, path: "a\nb"},
	{name: "255-byte name", layout: layout{strings.Repeat("n", 255)}, path: strings.Repeat("n", 255)},
	{name: "256-byte name", path: strings.Repeat("n", 256), read: "fail"},
	{name: "4097-byte path", path: strings.Repeat("d/", 2048) + "f", read: "invalid"},
	{name: "NFC name", layout: layout{"\u00e9"}, path: "\u00e9"},
	{name: "NFD file, NFC path", layout: layout{"e\u0301"}, path: "\u00e9", read: "not_found"},
	{name: "reserved temp dir", layout: layout{"f"}, path: ".airlock-tmp/x", read: "invalid"},
}

// confineOps are every file operation, each given the case's path in
// every argument position that takes one.
func confineOps(p string) []struct {
	op   string
	args any
} {
	pa := func(path string) guestproto.PathArgs { return guestproto.PathArgs{Mount: "share", Path: path} }
	return []struct {
		op   string
		args any
	}{
		{guestproto.OpStat, pa(p)},
		{guestproto.OpReadFile, guestproto.ReadArgs{PathArgs: pa(p), Limit: 1 << 20}},
		{guestproto.OpReadFile, guestproto.ReadArgs{PathArgs: pa(p), Limit: 1 << 20, TailLines: 3}},
		{guestproto.OpHash, pa(p)},
		{guestproto.OpList, guestproto.ListArgs{PathArgs: pa(p)}},
		{guestproto.OpTree, guestproto.TreeArgs{PathArgs: pa(p)}},
		{guestproto.OpFind, guestproto.FindArgs{PathArgs: pa(p), Pattern: "**"}},
		{guestproto.OpSearch, guestproto.SearchArgs{PathArgs: pa(p), Pattern: "SECRET|inside"}},
		{guestproto.OpWriteFile, guestproto.WriteArgs{PathArgs: pa(p)}},
		{guestproto.OpEdit, guestproto.EditArgs{PathArgs: pa(p), Edits: []guestproto.Edit{{Old: "inside", New: "edited", ReplaceAll: true}}}},
		{guestproto.OpMkdir, guestproto.MkdirArgs{PathArgs: pa(p + "/sub"), Parents: true}},
		{guestproto.OpCopy, guestproto.CopyArgs{From: pa(p), To: pa("zz-copy"), Recursive: true}},
		{guestproto.OpCopy, guestproto.CopyArgs{From: pa("zz-src"), To: pa(p), Overwrite: true}},
		{guestproto.OpMove, guestproto.MoveArgs{From: pa("zz-src"), To: pa(p), Overwrite: true}},
		{guestproto.OpMove, guestproto.MoveArgs{From: pa(p), To: pa("zz-moved")}},
		{guestproto.OpDelete, guestproto.DeleteArgs{PathArgs: pa(p), Recursive: true}},
	}
}

func testFileConfinement(t *testing.T, h Harness) {
	base := t.TempDir()
	share, outside := filepath.Join(base, "share"), filepath.Join(base, "outside")
	must(t, os.Mkdir(share, 0o755))
	must(t, os.Mkdir(outside, 0o755))
	must(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte(secretMarker+"\ninside\n"), 0o644))
	outsideBefore := treeDigest(t, outside)

	ctx, cancel := context.WithTimeout(context.Background(), h.BootTimeout)
	m, err := h.Backend.Start(ctx, vm.Config{Image: h.Image, Shares: []vm.Share{{Name: "share", HostPath: share}}})
	cancel()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer m.Stop(context.Background())

	for _, c := range confineCases {
		t.Run(c.name, func(t *testing.T) {
			// Fresh layout for every case, made on the host while the
			// guest runs (the share is uncached).
			entries, _ := os.ReadDir(share)
			for _, e := range entries {
				must(t, os.RemoveAll(filepath.Join(share, e.Name())))
			}
			makeLayout(t, share, outside, append(layout{"zz-src=inside:src"}, c.layout...))
			p := strings.ReplaceAll(c.path, "OUTSIDE", outside)

			for i, o := range confineOps(p) {
				opCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				var out bytes.Buffer
				var res json.RawMessage
				var err error
				start := time.Now()
				switch o.op {
				case guestproto.OpReadFile:
					_, err = m.Agent().ReadFile(opCtx, o.args.(guestproto.ReadArgs), &out)
				case guestproto.OpWriteFile:
					_, err = m.Agent().WriteFile(opCtx, o.args.(guestproto.WriteArgs), strings.NewReader("written by the guest\n"))
				default:
					err = m.Agent().Call(opCtx, o.op, o.args, &res)
				}
				cancel()
				if errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 9*time.Second {
					t.Fatalf("op %d (%s) hung: %v", i, o.op, err)
				}
				if err != nil && !isGuestError(err) {
					t.Fatalf("op %d (%s): transport failure: %v", i, o.op, err)
				}
				if !c.leakOK && (bytes.Contains(out.Bytes(), []byte(secretMarker)) || bytes.Contains(res, []byte(secretMarker)) ||
					(err != nil && strings.Contains(err.Error(), secretMarker))) {
					t.Errorf("op %d (%s) returned the outside secret", i, o.op)
				}
				if i == 1 { // the plain read: check its expected outcome
					checkOutcome(t, c.read, err)
				}
				if after := treeDigest(t, outside); after != outsideBefore {
					t.Fatalf("op %d (%s) changed the outside directory:\n%s\nwant:\n%s", i, o.op, after, outsideBefore)
				}
			}
			if names := dirNames(t, base); strings.Join(names, ",") != "outside,share" {
				t.Errorf("entries next to the share after the ops: %v", names)
			}
		})
	}
}

func isGuestError(err error) bool {
	var ge *guestproto.Error
	return errors.As(err, &ge)
}

func checkOutcome(t *testing.T, want string, err error) {
	t.Helper()
	var ge *guestproto.Error
	switch {
	case want == "" && err != nil:
		t.Errorf("read: %v, want success", err)
	case want == "fail" && err == nil:
		t.Errorf("read succeeded, want an error")
	case want != "" && want != "fail":
		if !errors.As(err, &ge) || string(ge.Code) != want {
			t.Errorf("read: %v, want code %s", err, want)
		}
	}
}

func dirNames(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	must(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
