package guest

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm/guestclient"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

const testToken = "0123456789abcdef0123456789abcdef"

// env is a guest agent serving a read-write share "rw" and a read-only
// share "ro" (temporary directories) over net.Pipe, with a real client:
// every call goes through the protocol.
type env struct {
	t      *testing.T
	rw, ro string
	c      *guestclient.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	base := t.TempDir()
	e := &env{t: t, rw: filepath.Join(base, "rw"), ro: filepath.Join(base, "ro")}
	must(t, os.Mkdir(e.rw, 0o755))
	must(t, os.Mkdir(e.ro, 0o755))
	e.start()
	return e
}

func (e *env) start() {
	t := e.t
	host, gconn := net.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, gconn, Config{Token: testToken, AgentVersion: "test", Mounts: []Mount{
			{Name: "rw", Dir: e.rw},
			{Name: "ro", Dir: e.ro, ReadOnly: true},
		}})
	}()
	hctx, hcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer hcancel()
	c, err := guestclient.Handshake(hctx, host, testToken)
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	e.c = c
	t.Cleanup(func() {
		c.Close()
		cancel()
		host.Close()
		<-done
	})
}

func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// file writes a file in the read-write share, making parents.
func (e *env) file(rel, content string) string {
	e.t.Helper()
	p := filepath.Join(e.rw, rel)
	must(e.t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(e.t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func (e *env) read(rel string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.rw, rel))
	if err != nil {
		e.t.Fatalf("read %s: %v", rel, err)
	}
	return string(b)
}

func rw(p string) guestproto.PathArgs { return guestproto.PathArgs{Mount: "rw", Path: p} }
func ro(p string) guestproto.PathArgs { return guestproto.PathArgs{Mount: "ro", Path: p} }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err is a guest error with the given code ("" for
// success).
func wantCode(t *testing.T, err error, code guestproto.Code) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var ge *guestproto.Error
	if !errors.As(err, &ge) || ge.Code != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
}

func TestUnknownOperation(t *testing.T) {
	e := newEnv(t)
	wantCode(t, e.c.Call(e.ctx(), "frobnicate", nil, nil), guestproto.CodeUnsupported)
}

// everyOp calls each file operation once with p in its path argument.
func everyOp(e *env, pa func(string) guestproto.PathArgs, p string) map[string]error {
	ctx := e.ctx()
	var sink bytes.Buffer
	errs := map[string]error{}
	_, errs["read"] = e.c.ReadFile(ctx, guestproto.ReadArgs{PathArgs: pa(p)}, &sink)
	_, errs["write"] = e.c.WriteFile(ctx, guestproto.WriteArgs{PathArgs: pa(p)}, strings.NewReader("x"))
	_, errs["stat"] = e.c.Stat(ctx, pa(p))
	_, errs["hash"] = e.c.Hash(ctx, pa(p))
	_, errs["list"] = e.c.List(ctx, guestproto.ListArgs{PathArgs: pa(p)})
	_, errs["tree"] = e.c.Tree(ctx, guestproto.TreeArgs{PathArgs: pa(p)})
	_, errs["find"] = e.c.Find(ctx, guestproto.FindArgs{PathArgs: pa(p), Pattern: "*"})
	_, errs["search"] = e.c.Search(ctx, guestproto.SearchArgs{PathArgs: pa(p), Pattern: "x"})
	_, errs["edit"] = e.c.Edit(ctx, guestproto.EditArgs{PathArgs: pa(p), Edits: []guestproto.Edit{{Old: "a", New: "b"}}})
	_, errs["mkdir"] = e.c.Mkdir(ctx, guestproto.MkdirArgs{PathArgs: pa(p), Parents: true})
	_, errs["move from"] = e.c.Move(ctx, guestproto.MoveArgs{From: pa(p), To: pa("moved")})
	_, errs["move to"] = e.c.Move(ctx, guestproto.MoveArgs{From: pa("src.txt"), To: pa(p), Overwrite: true})
	_, errs["copy from"] = e.c.Copy(ctx, guestproto.CopyArgs{From: pa(p), To: rw("copied"), Recursive: true})
	_, errs["copy to"] = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("src.txt"), To: pa(p), Overwrite: true})
	_, errs["delete"] = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: pa(p), Recursive: true})
	return errs
}

func TestReservedTempDirRefusedEverywhere(t *testing.T) {
	e := newEnv(t)
	e.file("src.txt", "a")
	e.file(TempDirName+"/x", "staged")
	for _, p := range []string{TempDirName, TempDirName + "/x", "./" + TempDirName + "/x", strings.ToUpper(TempDirName)} {
		for op, err := range everyOp(e, rw, p) {
			var ge *guestproto.Error
			if !errors.As(err, &ge) || ge.Code != guestproto.CodeInvalid || !strings.Contains(ge.Message, "reserved") {
				t.Errorf("%s %q: err = %v, want invalid (reserved)", op, p, err)
			}
		}
	}
	if e.read(TempDirName+"/x") != "staged" || e.read("src.txt") != "a" {
		t.Error("an operation touched the staging directory or the source")
	}
}

func TestReadOnlyShareRefusesEveryChange(t *testing.T) {
	e := newEnv(t)
	e.file("src.txt", "a")
	must(t, os.WriteFile(filepath.Join(e.ro, "keep.txt"), []byte("keep"), 0o644))
	must(t, os.Mkdir(filepath.Join(e.ro, "d"), 0o755))
	ctx := e.ctx()
	checks := map[string]error{}
	_, checks["write"] = e.c.WriteFile(ctx, guestproto.WriteArgs{PathArgs: ro("keep.txt")}, strings.NewReader("x"))
	_, checks["edit"] = e.c.Edit(ctx, guestproto.EditArgs{PathArgs: ro("keep.txt"), Edits: []guestproto.Edit{{Old: "keep", New: "x"}}})
	_, checks["edit dry run"] = e.c.Edit(ctx, guestproto.EditArgs{PathArgs: ro("keep.txt"), DryRun: true, Edits: []guestproto.Edit{{Old: "keep", New: "x"}}})
	_, checks["mkdir"] = e.c.Mkdir(ctx, guestproto.MkdirArgs{PathArgs: ro("new")})
	_, checks["move"] = e.c.Move(ctx, guestproto.MoveArgs{From: ro("keep.txt"), To: ro("moved")})
	_, checks["copy into"] = e.c.Copy(ctx, guestproto.CopyArgs{From: rw("src.txt"), To: ro("copied")})
	_, checks["delete"] = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: ro("d"), Recursive: true})
	for op, err := range checks {
		if !errors.Is(err, guestproto.ErrReadOnly) {
			t.Errorf("%s on the read-only share: err = %v, want read_only", op, err)
		}
	}
	entries, _ := os.ReadDir(e.ro)
	if len(entries) != 2 {
		t.Errorf("read-only share changed: %d entries", len(entries))
	}
	// Copying out of a read-only share is fine.
	if _, err := e.c.Copy(ctx, guestproto.CopyArgs{From: ro("keep.txt"), To: rw("kept.txt")}); err != nil {
		t.Errorf("copy out of the read-only share: %v", err)
	}
}

func TestErrorMapping(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx()
	e.file("d/f", "x")
	_, err := e.c.Stat(ctx, rw(strings.Repeat("n", 256)))
	wantCode(t, err, guestproto.CodeInvalid)
	_, err = e.c.Stat(ctx, rw("d/f/g"))
	wantCode(t, err, guestproto.CodeNotDir)
	_, err = e.c.Stat(ctx, rw("../x"))
	wantCode(t, err, guestproto.CodeOutside)
	_, err = e.c.Stat(ctx, guestproto.PathArgs{Mount: "nope", Path: "x"})
	wantCode(t, err, guestproto.CodeNotFound)
	_, err = e.c.Delete(ctx, guestproto.DeleteArgs{PathArgs: rw("d")})
	wantCode(t, err, guestproto.CodeConflict)
}
