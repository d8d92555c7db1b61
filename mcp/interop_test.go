package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm/vmtest"
)

// The interop tests drive the real airlock binary, over stdio and with
// real VMs, from MCP clients that were written elsewhere: the official
// TypeScript SDK and the MCP Inspector's CLI. Their Node packages are
// pinned in test/node/package.json and installed with `make node-deps`.

// nodeDir is test/node, relative to this package's directory (where go
// test runs).
const nodeDir = "../test/node"

// requireNode returns the node executable and the absolute test/node
// directory, or skips (fails under CI) when node or the installed
// packages are missing.
func requireNode(tb testing.TB, pkgs ...string) (node, dir string) {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		vmtest.SkipOrFail(tb, "node not found; install Node.js 20 or later")
	}
	dir, err = filepath.Abs(nodeDir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", p, "package.json")); err != nil {
			vmtest.SkipOrFail(tb, p+" is not installed in test/node; run `make node-deps`")
		}
	}
	return node, dir
}

// goldenToolNames returns the tool names in testdata/tools_list.golden.json,
// the catalog TestToolsListGolden pins.
func goldenToolNames(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "tools_list.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tools []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &tools); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(tools))
	for _, tl := range tools {
		names = append(names, tl.Name)
	}
	slices.Sort(names)
	if len(names) != 21 {
		t.Fatalf("golden catalog has %d tools, want 21 (16 file and 5 web tools): %v", len(names), names)
	}
	return names
}

// runNode runs node with args in dir, with extra environment, and returns
// stdout and stderr. A non-zero exit is reported, not fatal.
func runNode(t *testing.T, node, dir string, env []string, timeout time.Duration, args ...string) (stdout, stderr []byte, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	return out.Bytes(), errb.Bytes(), err
}

// tsSummary is what test/node/ts-client.mjs prints.
type tsSummary struct {
	SDKVersion            string `json:"sdkVersion"`
	ProtocolVersion       string `json:"protocolVersion"`
	ServerInfo            struct{ Name, Version string }
	ToolCount             int      `json:"toolCount"`
	Tools                 []string `json:"tools"`
	ToolsWithOutputSchema []string `json:"toolsWithOutputSchema"`
	Calls                 map[string]struct {
		Tool    string `json:"tool"`
		IsError bool   `json:"isError"`
		Text    string `json:"text"`
		Threw   string `json:"threw"`
	} `json:"calls"`
	Failures     []string `json:"failures"`
	Elicitations []struct {
		Message string `json:"message"`
		Choice  any    `json:"choice"` // a string, or a boolean for network questions
	} `json:"elicitations"`
}

// TestTypeScriptSDKClient has the official TypeScript SDK's client spawn
// `airlock serve` and call the main file tools; it then checks the SDK's
// view (summary JSON) and the effects on the host.
func TestTypeScriptSDKClient(t *testing.T) {
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	node, dir := requireNode(t, "@modelcontextprotocol/sdk")
	bin := airlockBinary(t)
	f := newFixture(t)

	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, articlePage) }))
	defer web.Close()

	stdout, stderr, err := runNode(t, node, dir,
		[]string{"AIRLOCK_IMAGE=" + filepath.Dir(img.Kernel)}, 5*time.Minute,
		"ts-client.mjs", "--airlock", bin, "--proj", f.proj, "--docs", f.docs, "--web", web.URL)
	if err != nil {
		t.Errorf("ts-client.mjs: %v\nstderr (client failures and server log):\n%s", err, stderr)
	}
	var sum tsSummary
	if jerr := json.Unmarshal(stdout, &sum); jerr != nil {
		t.Fatalf("ts-client.mjs printed no JSON summary (%v):\n%s\nstderr:\n%s", jerr, stdout, stderr)
	}
	t.Logf("TypeScript SDK %s negotiated protocol %s with %s %s", sum.SDKVersion, sum.ProtocolVersion, sum.ServerInfo.Name, sum.ServerInfo.Version)
	for _, msg := range sum.Failures {
		t.Errorf("ts-client: %s", msg)
	}

	if sum.ToolCount != 21 || !slices.Equal(sum.Tools, goldenToolNames(t)) {
		t.Errorf("SDK listed %d tools %v, want the 21 of the golden catalog", sum.ToolCount, sum.Tools)
	}
	if sum.ServerInfo.Name != "airlock" || sum.ProtocolVersion == "" {
		t.Errorf("serverInfo %+v, protocol %q", sum.ServerInfo, sum.ProtocolVersion)
	}
	// Calls that the approval policy asks about reach the SDK as
	// elicitation/create requests, which ts-client.mjs answers "allow once".
	// One for the edit, three for the deletes (declined, cancelled,
	// accepted), one network question (declined).
	var edits, deletes, hosts int
	for _, e := range sum.Elicitations {
		t.Logf("elicitation answered %v: %.60q", e.Choice, e.Message)
		switch {
		case strings.Contains(e.Message, "edit_file"):
			edits++
		case strings.Contains(e.Message, "delete_file") && strings.Contains(e.Message, "main.go"):
			deletes++
		case strings.Contains(e.Message, `connect to "unknown-host.example:443"`):
			hosts++
		default:
			t.Errorf("unexpected approval request: %q", e.Message)
		}
	}
	if edits != 1 || deletes != 3 || hosts != 1 {
		t.Errorf("questions: %d for edit_file, %d for delete_file, %d about a host; want 1, 3 and 1", edits, deletes, hosts)
	}
	if len(sum.ToolsWithOutputSchema) > 0 {
		// The SDK validates structuredContent against an outputSchema; the
		// calls above passed it, but note the change.
		t.Logf("tools declaring an outputSchema: %v", sum.ToolsWithOutputSchema)
	}

	want := map[string]struct {
		isError bool
		text    []string
	}{
		"read_text_file":       {false, []string{"# Project\nline two\nline three\n"}},
		"read_text_file_head":  {false, []string{"alpha\nbeta"}},
		"read_docs":            {false, []string{"Read me, do not change me."}},
		"write_file":           {false, nil},
		"write_readonly":       {true, []string{"read-only"}},
		"edit_file":            {false, []string{"-beta", "+BETA (edited by ts-client)"}},
		"list_directory":       {false, []string{"[DIR] src", "[FILE] README.md", "[FILE] ts-written.txt"}},
		"grep_files":           {false, []string{"util.go:3:// TODO: tidy"}},
		"search_files":         {false, []string{filepath.Join(f.proj, "src/main.go"), filepath.Join(f.proj, "src/util.go")}},
		"escape":               {true, []string{"outside the mounted folders"}},
		"delete_declined":      {true, []string{"declined"}},
		"delete_cancelled":     {true, []string{"cancelled"}},
		"delete_accepted":      {false, []string{"Deleted"}},
		"web_fetch":            {false, []string{"forty-two herons", "untrusted-content"}},
		"web_unknown_declined": {true, []string{"declined access to unknown-host.example:443"}},
	}
	for key, w := range want {
		got, ok := sum.Calls[key]
		switch {
		case !ok:
			t.Errorf("%s: not in the summary", key)
		case got.Threw != "":
			t.Errorf("%s: the SDK threw: %s", key, got.Threw)
		case got.IsError != w.isError:
			t.Errorf("%s: isError=%v, want %v: %q", key, got.IsError, w.isError, got.Text)
		default:
			for _, s := range w.text {
				if !strings.Contains(got.Text, s) {
					t.Errorf("%s: text %q lacks %q", key, got.Text, s)
				}
			}
		}
	}

	// The effects, seen from the host.
	hostFile := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(f.proj), rel))
		if err != nil {
			t.Errorf("host: %v", err)
		}
		return string(b)
	}
	if got := hostFile("proj/ts-written.txt"); got != "written by the TypeScript SDK\n" {
		t.Errorf("host sees ts-written.txt = %q", got)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(f.proj), "proj/src/main.go")); !os.IsNotExist(err) {
		t.Errorf("src/main.go should be gone after the accepted delete (declined and cancelled ones left it): %v", err)
	}
	if got := hostFile("proj/notes.txt"); got != "alpha\nBETA (edited by ts-client)\ngamma\n" {
		t.Errorf("host sees notes.txt = %q after edit_file", got)
	}
	if got := hostFile("docs/guide.md"); got != "Read me, do not change me.\n" {
		t.Errorf("read-only docs/guide.md changed: %q", got)
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", stderr)
	}
}

// inspectorCLI returns the Inspector's launcher script, from the "bin"
// field of its package.json (the launcher takes --cli for the CLI client;
// the layout changed between Inspector releases, the bin name did not).
func inspectorCLI(t *testing.T, dir string) string {
	t.Helper()
	pkgDir := filepath.Join(dir, "node_modules", "@modelcontextprotocol", "inspector")
	b, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Version string            `json:"version"`
		Bin     map[string]string `json:"bin"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	entry, ok := pkg.Bin["mcp-inspector"]
	if !ok {
		t.Fatalf("inspector %s: no mcp-inspector in package.json bin: %v", pkg.Version, pkg.Bin)
	}
	t.Logf("MCP Inspector %s: %s", pkg.Version, entry)
	return filepath.Join(pkgDir, entry)
}

// TestInspectorCLIListsTools has the MCP Inspector's CLI spawn `airlock
// serve` and list its tools.
func TestInspectorCLIListsTools(t *testing.T) {
	vmtest.RequireQEMU(t)
	img := vmtest.Image(t)
	node, dir := requireNode(t, "@modelcontextprotocol/inspector")
	bin := airlockBinary(t)
	f := newFixture(t)
	cli := inspectorCLI(t, dir)

	imgEnv := "AIRLOCK_IMAGE=" + filepath.Dir(img.Kernel)
	stdout, stderr, err := runNode(t, node, dir,
		// The Inspector keeps a server catalog; keep it out of $HOME.
		[]string{imgEnv, "MCP_CATALOG_PATH=" + filepath.Join(t.TempDir(), "mcp.json")}, 3*time.Minute,
		cli, "--cli", bin, "serve", "--mount", f.proj,
		"-e", imgEnv, "-e", "NO_COLOR=1",
		"--method", "tools/list")
	if err != nil {
		t.Fatalf("inspector --cli: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	var res struct {
		Tools []struct {
			Name        string         `json:"name"`
			InputSchema map[string]any `json:"inputSchema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(stdout, &res); err != nil {
		t.Fatalf("inspector output is not JSON (%v):\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
		if tl.InputSchema["type"] != "object" {
			t.Errorf("%s: inputSchema type %v", tl.Name, tl.InputSchema["type"])
		}
	}
	slices.Sort(names)
	if want := goldenToolNames(t); !slices.Equal(names, want) {
		t.Errorf("inspector listed %d tools %v, want %v", len(names), names, want)
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", stderr)
	}
}
