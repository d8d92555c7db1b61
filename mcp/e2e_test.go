package mcp

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcpgo "github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vmtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixture is a read-write project folder and a read-only docs folder.
type fixture struct{ proj, docs string }

func newFixture(t *testing.T) fixture {
	base := t.TempDir()
	f := fixture{proj: filepath.Join(base, "proj"), docs: filepath.Join(base, "docs")}
	for name, content := range map[string]string{
		"proj/README.md":    "# Project\nline two\nline three\n",
		"proj/src/main.go":  "package main\n\nfunc main() {\n\tprintln(\"hello\")\n}\n",
		"proj/src/util.go":  "package main\n\n// TODO: tidy\nfunc util() {}\n",
		"proj/notes.txt":    "alpha\nbeta\ngamma\n",
		"docs/guide.md":     "Read me, do not change me.\n",
		"docs/img/logo.png": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
	} {
		p := filepath.Join(base, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func newServer(t *testing.T, f fixture, backend vm.Backend, img vm.Image) *Server {
	ms, err := tools.NewMounts([]tools.Mount{{Path: f.proj}, {Path: f.docs, ReadOnly: true}}, "")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Version: "test", Mounts: ms, Backend: backend, VM: vm.Config{Image: img}})
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func inProcessClient(t testing.TB, s *Server, opts ...client.ClientOption) *client.Client {
	c, err := client.NewInProcessClientWithOptions(s.MCPServer(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var ir mcpgo.InitializeRequest
	ir.Params.ClientInfo = mcpgo.Implementation{Name: "e2e", Version: "1"}
	if _, err := c.Initialize(ctx, ir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestToolsListGolden(t *testing.T) {
	f := newFixture(t)
	c := inProcessClient(t, newServer(t, f, &vmtest.Fake{}, vm.Image{}))
	res, err := c.ListTools(context.Background(), mcpgo.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(res.Tools, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "tools_list.golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./mcp -run Golden -update)", err)
	}
	if strings.TrimSpace(string(got)) != strings.TrimSpace(string(want)) {
		t.Errorf("tools/list changed; if intended, run go test ./mcp -run Golden -update\n%s", got)
	}
}

// call runs a tool and returns its text; isError results fail the test
// unless wantErr.
func call(t *testing.T, c *client.Client, name string, args map[string]any, wantErr bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var req mcpgo.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var text strings.Builder
	for _, ct := range res.Content {
		if tc, ok := ct.(mcpgo.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if res.IsError != wantErr {
		t.Fatalf("%s(%v): isError=%v, want %v: %s", name, args, res.IsError, wantErr, text.String())
	}
	return text.String()
}

// exerciseTools runs every file tool once against the fixture and checks
// the host-side effect. It is shared by the in-process, stdio and HTTP
// tests.
func exerciseTools(t *testing.T, c *client.Client, f fixture) {
	must := func(cond bool, format string, args ...any) {
		t.Helper()
		if !cond {
			t.Errorf(format, args...)
		}
	}
	out := call(t, c, "list_allowed_directories", nil, false)
	must(strings.Contains(out, f.proj) && strings.Contains(out, "read-only"), "list_allowed_directories = %q", out)

	out = unwrap(t, call(t, c, "read_text_file", map[string]any{"path": filepath.Join(f.proj, "README.md")}, false))
	must(out == "# Project\nline two\nline three\n", "read_text_file = %q", out)
	out = unwrap(t, call(t, c, "read_text_file", map[string]any{"path": "notes.txt", "tail": 1}, false))
	must(strings.TrimSpace(out) == "gamma", "tail = %q", out)
	out = unwrap(t, call(t, c, "read_text_file", map[string]any{"path": "notes.txt", "head": 2}, false))
	must(strings.TrimSpace(out) == "alpha\nbeta", "head = %q", out)

	out = call(t, c, "read_multiple_files", map[string]any{"paths": []string{"notes.txt", "missing.txt"}}, false)
	must(strings.Contains(out, "alpha") && strings.Contains(out, "missing.txt: Error - not found"), "read_multiple_files = %q", out)

	out = call(t, c, "write_file", map[string]any{"path": "out/new.txt", "content": "fresh\n"}, true)
	must(strings.Contains(out, "not found") || strings.Contains(out, "not a directory"), "write into a missing dir = %q", out)
	call(t, c, "create_directory", map[string]any{"path": "out/deep"}, false)
	call(t, c, "write_file", map[string]any{"path": "out/new.txt", "content": "fresh\n"}, false)
	b, _ := os.ReadFile(filepath.Join(f.proj, "out/new.txt"))
	must(string(b) == "fresh\n", "host sees %q after write_file", b)

	out = call(t, c, "edit_file", map[string]any{"path": "notes.txt", "edits": []map[string]any{{"oldText": "beta", "newText": "BETA"}}, "dryRun": true}, false)
	must(strings.Contains(out, "-beta") && strings.Contains(out, "+BETA"), "dry-run diff = %q", out)
	b, _ = os.ReadFile(filepath.Join(f.proj, "notes.txt"))
	must(string(b) == "alpha\nbeta\ngamma\n", "dry run changed the file: %q", b)
	call(t, c, "edit_file", map[string]any{"path": "notes.txt", "edits": []map[string]any{{"oldText": "beta", "newText": "BETA"}}}, false)
	b, _ = os.ReadFile(filepath.Join(f.proj, "notes.txt"))
	must(string(b) == "alpha\nBETA\ngamma\n", "after edit: %q", b)
	call(t, c, "edit_file", map[string]any{"path": "notes.txt", "edits": []map[string]any{{"oldText": "nope", "newText": "x"}}}, true)

	out = call(t, c, "list_directory", map[string]any{"path": f.proj}, false)
	must(strings.Contains(out, "[DIR] src") && strings.Contains(out, "[FILE] README.md"), "list_directory = %q", out)
	must(!strings.Contains(out, ".airlock-tmp"), "staging dir listed: %q", out)
	out = call(t, c, "list_directory_with_sizes", map[string]any{"path": f.proj, "sortBy": "size"}, false)
	must(strings.Contains(out, "Total:"), "list_directory_with_sizes = %q", out)
	out = call(t, c, "directory_tree", map[string]any{"path": f.proj, "excludePatterns": []string{"out"}}, false)
	must(strings.Contains(out, `"main.go"`) && !strings.Contains(out, `"new.txt"`), "directory_tree = %q", out)
	out = call(t, c, "search_files", map[string]any{"path": f.proj, "pattern": "**/*.go"}, false)
	must(strings.Contains(out, filepath.Join(f.proj, "src/main.go")), "search_files = %q", out)
	out = call(t, c, "grep_files", map[string]any{"path": f.proj, "pattern": "TODO", "include": "*.go"}, false)
	must(strings.Contains(out, "util.go:3:// TODO: tidy"), "grep_files = %q", out)
	out = call(t, c, "get_file_info", map[string]any{"path": "notes.txt"}, false)
	must(strings.Contains(out, "isFile: true"), "get_file_info = %q", out)

	call(t, c, "copy_file", map[string]any{"source": "notes.txt", "destination": "notes-copy.txt"}, false)
	call(t, c, "copy_file", map[string]any{"source": "notes.txt", "destination": "notes-copy.txt"}, true)
	call(t, c, "move_file", map[string]any{"source": "notes-copy.txt", "destination": "out/moved.txt"}, false)
	_, err := os.Stat(filepath.Join(f.proj, "out/moved.txt"))
	must(err == nil, "moved file missing: %v", err)
	call(t, c, "delete_file", map[string]any{"path": "out"}, true) // not empty, no recursive
	call(t, c, "delete_file", map[string]any{"path": "out", "recursive": true}, false)
	_, err = os.Stat(filepath.Join(f.proj, "out"))
	must(os.IsNotExist(err), "out still exists: %v", err)

	// Read-only mount and escapes are refused.
	out = call(t, c, "write_file", map[string]any{"path": filepath.Join(f.docs, "guide.md"), "content": "x"}, true)
	must(strings.Contains(out, "read-only"), "write to read-only = %q", out)
	b, _ = os.ReadFile(filepath.Join(f.docs, "guide.md"))
	must(string(b) == "Read me, do not change me.\n", "read-only file changed: %q", b)
	for _, p := range []string{"../x", "/etc/passwd", filepath.Join(f.proj, "..", "docs", "..", "..")} {
		out = call(t, c, "read_text_file", map[string]any{"path": p}, true)
		must(strings.Contains(out, "outside the mounted folders"), "read %s = %q", p, out)
	}
	out = call(t, c, "read_media_file", map[string]any{"path": filepath.Join(f.docs, "img/logo.png")}, false)
	must(strings.Contains(out, "image/png"), "read_media_file = %q", out)
	call(t, c, "read_text_file", map[string]any{"path": "notes.txt", "bogus": 1}, true)
}

func TestToolsInProcessFake(t *testing.T) {
	f := newFixture(t)
	c := inProcessClient(t, newServer(t, f, &vmtest.Fake{}, vm.Image{}), client.WithElicitationHandler(allowOnce()))
	exerciseTools(t, c, f)
}

// unwrap returns the content between airlock's untrusted-content markers,
// failing the test if they are missing.
func unwrap(t *testing.T, text string) string {
	t.Helper()
	start := strings.Index(text, "<untrusted-content id=")
	end := strings.LastIndex(text, "\n</untrusted-content id=")
	if start < 0 || end < start {
		t.Fatalf("result is not wrapped as untrusted content: %q", text)
	}
	body := text[start:end]
	return body[strings.Index(body, "\n")+1:]
}
