package files

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

func listAllowed() tools.Tool {
	return tools.Define("list_allowed_directories", "List Allowed Directories",
		"Returns the directories this server can access, and whether each is read-only. Every file operation runs in an isolated VM that sees only these.",
		readOnly,
		func(ctx context.Context, c *tools.Call, _ struct{}) (tools.Result, error) {
			var b strings.Builder
			b.WriteString("Allowed directories:")
			type dir struct {
				Path     string `json:"path"`
				ReadOnly bool   `json:"readOnly"`
			}
			var dirs []dir
			for _, m := range c.Env.Session.Mounts() {
				mode := "read-write"
				if m.ReadOnly {
					mode = "read-only"
				}
				fmt.Fprintf(&b, "\n%s (%s)", m.Path, mode)
				dirs = append(dirs, dir{m.Path, m.ReadOnly})
			}
			return tools.Result{Text: b.String(), Structured: map[string]any{"directories": dirs}}, nil
		})
}

func list(ctx context.Context, c *tools.Call, p, sortBy string) (guestproto.ListResult, error) {
	t, ag, err := c.Target(ctx, p, false)
	if err != nil {
		return guestproto.ListResult{}, err
	}
	var res guestproto.ListResult
	err = ag.Call(ctx, guestproto.OpList, guestproto.ListArgs{PathArgs: pa(t), SortBy: sortBy}, &res)
	return res, err
}

func truncNote(res guestproto.ListResult) string {
	if !res.Truncated {
		return ""
	}
	return fmt.Sprintf("\n[airlock: showing %d of %d entries]", len(res.Entries), res.Total)
}

func listDirectory() tools.Tool {
	return tools.Define("list_directory", "List Directory",
		"List the files and directories in a path, marked [FILE], [DIR] or [LINK]. Only works within allowed directories.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a pathArg) (tools.Result, error) {
			res, err := list(ctx, c, a.Path, "name")
			if err != nil {
				return tools.Result{}, err
			}
			lines := make([]string, 0, len(res.Entries))
			for _, e := range res.Entries {
				lines = append(lines, kind(e.Type)+" "+e.Name)
			}
			text := strings.Join(lines, "\n") + truncNote(res)
			return tools.Result{Text: text, Untrusted: true, Structured: map[string]any{"content": text}}, nil
		})
}

func kind(t string) string {
	switch t {
	case "dir":
		return "[DIR]"
	case "symlink":
		return "[LINK]"
	case "file":
		return "[FILE]"
	}
	return "[OTHER]"
}

type listSizesArgs struct {
	Path   string `json:"path" jsonschema:"required"`
	SortBy string `json:"sortBy,omitempty" jsonschema:"enum=name,enum=size,default=name" jsonschema_description:"Sort entries by name or size"`
}

func (a *listSizesArgs) Validate() error {
	if a.SortBy != "" && a.SortBy != "name" && a.SortBy != "size" {
		return tools.Userf("sortBy must be name or size")
	}
	return nil
}

func listDirectoryWithSizes() tools.Tool {
	return tools.Define("list_directory_with_sizes", "List Directory with Sizes",
		"List the files and directories in a path with their sizes, sorted by name or size. Only works within allowed directories.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a listSizesArgs) (tools.Result, error) {
			res, err := list(ctx, c, a.Path, a.SortBy)
			if err != nil {
				return tools.Result{}, err
			}
			var b strings.Builder
			var files, dirs int
			var total int64
			for _, e := range res.Entries {
				size := ""
				if e.Type == "dir" {
					dirs++
				} else {
					files++
					total += e.Size
					size = formatSize(e.Size)
				}
				fmt.Fprintf(&b, "%s %-30s %10s\n", kind(e.Type), e.Name, size)
			}
			fmt.Fprintf(&b, "\nTotal: %d files, %d directories\nCombined size: %s", files, dirs, formatSize(total))
			text := b.String() + truncNote(res)
			return tools.Result{Text: text, Untrusted: true, Structured: map[string]any{"content": text}}, nil
		})
}

func formatSize(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return fmt.Sprintf("%.2f %s", f, units[i])
}

type treeArgs struct {
	Path            string   `json:"path" jsonschema:"required"`
	ExcludePatterns []string `json:"excludePatterns,omitempty" jsonschema_description:"Glob patterns of names or paths to leave out"`
}

type treeNode struct {
	Name     string      `json:"name"`
	Type     string      `json:"type"`
	Children []*treeNode `json:"children,omitempty"`
}

func directoryTree() tools.Tool {
	return tools.Define("directory_tree", "Directory Tree",
		"Get a recursive tree of files and directories as JSON: each entry has 'name', 'type' (file/directory) and, for directories, 'children'. Symlinks are listed, not followed.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a treeArgs) (tools.Result, error) {
			t, ag, err := c.Target(ctx, a.Path, false)
			if err != nil {
				return tools.Result{}, err
			}
			var res guestproto.TreeResult
			if err := ag.Call(ctx, guestproto.OpTree, guestproto.TreeArgs{PathArgs: pa(t), Exclude: a.ExcludePatterns}, &res); err != nil {
				return tools.Result{}, err
			}
			root := &treeNode{Children: []*treeNode{}}
			dirs := map[string]*treeNode{".": root}
			for _, e := range res.Entries {
				parent := dirs[path.Dir(e.Path)]
				if parent == nil {
					continue // the guest listed a child before its parent: skip it
				}
				n := &treeNode{Name: path.Base(e.Path), Type: "file"}
				if e.Type == "dir" {
					n.Type = "directory"
					n.Children = []*treeNode{}
					dirs[e.Path] = n
				} else if e.Type == "symlink" {
					n.Type = "symlink"
				}
				parent.Children = append(parent.Children, n)
			}
			b, _ := json.MarshalIndent(root.Children, "", "  ")
			text := string(b)
			if res.Truncated {
				text += fmt.Sprintf("\n[airlock: tree truncated at %d entries]", len(res.Entries))
			}
			return tools.Result{Text: text, Untrusted: true, Structured: map[string]any{"content": text}}, nil
		})
}

type searchArgs struct {
	Path            string   `json:"path" jsonschema:"required"`
	Pattern         string   `json:"pattern" jsonschema:"required" jsonschema_description:"Glob pattern, e.g. '*.ext' in the directory or '**/*.ext' in all subdirectories"`
	ExcludePatterns []string `json:"excludePatterns,omitempty"`
}

func searchFiles() tools.Tool {
	return tools.Define("search_files", "Search Files",
		"Recursively find files and directories whose path matches a glob pattern ('*.ext' here, '**/*.ext' anywhere below). Returns full paths.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a searchArgs) (tools.Result, error) {
			t, ag, err := c.Target(ctx, a.Path, false)
			if err != nil {
				return tools.Result{}, err
			}
			var res guestproto.FindResult
			if err := ag.Call(ctx, guestproto.OpFind, guestproto.FindArgs{PathArgs: pa(t), Pattern: a.Pattern, Exclude: a.ExcludePatterns}, &res); err != nil {
				return tools.Result{}, err
			}
			if len(res.Paths) == 0 {
				return tools.Result{Text: "No matches found"}, nil
			}
			full := make([]string, len(res.Paths))
			for i, p := range res.Paths {
				full[i] = filepath.Join(t.HostPath(), filepath.FromSlash(p))
			}
			text := strings.Join(full, "\n")
			if res.Truncated {
				text += fmt.Sprintf("\n[airlock: showing the first %d matches]", len(full))
			}
			return tools.Result{Text: text, Untrusted: true, Structured: map[string]any{"content": text}}, nil
		})
}

type grepArgs struct {
	Path            string   `json:"path" jsonschema:"required" jsonschema_description:"Directory (or file) to search"`
	Pattern         string   `json:"pattern" jsonschema:"required" jsonschema_description:"Regular expression (RE2 syntax)"`
	Include         string   `json:"include,omitempty" jsonschema_description:"Only files whose name matches this glob, e.g. '*.go'"`
	ExcludePatterns []string `json:"excludePatterns,omitempty"`
	CaseInsensitive bool     `json:"caseInsensitive,omitempty"`
	MaxMatches      int      `json:"maxMatches,omitempty" jsonschema:"minimum=1,maximum=1000,default=100"`
	Context         int      `json:"context,omitempty" jsonschema:"minimum=0,maximum=10" jsonschema_description:"Lines of context before and after each match"`
}

func grepFiles() tools.Tool {
	return tools.Define("grep_files", "Grep Files",
		"Search file contents for a regular expression, like grep -rn. Skips binary files. Returns path:line: text, with optional context lines.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a grepArgs) (tools.Result, error) {
			t, ag, err := c.Target(ctx, a.Path, false)
			if err != nil {
				return tools.Result{}, err
			}
			var res guestproto.SearchResult
			err = ag.Call(ctx, guestproto.OpSearch, guestproto.SearchArgs{
				PathArgs: pa(t), Pattern: a.Pattern, Include: a.Include, Exclude: a.ExcludePatterns,
				CaseInsensitive: a.CaseInsensitive, MaxMatches: a.MaxMatches, Context: a.Context,
			}, &res)
			if err != nil {
				return tools.Result{}, err
			}
			var b strings.Builder
			for _, m := range res.Matches {
				p := filepath.Join(t.HostPath(), filepath.FromSlash(m.Path))
				for i, l := range m.Before {
					fmt.Fprintf(&b, "%s-%d-%s\n", p, m.Line-len(m.Before)+i, l)
				}
				fmt.Fprintf(&b, "%s:%d:%s\n", p, m.Line, m.Text)
				for i, l := range m.After {
					fmt.Fprintf(&b, "%s-%d-%s\n", p, m.Line+1+i, l)
				}
				if a.Context > 0 {
					b.WriteString("--\n")
				}
			}
			if len(res.Matches) == 0 {
				b.WriteString("No matches found\n")
			}
			fmt.Fprintf(&b, "[%d files searched", res.FilesScanned)
			if res.SkippedBinary > 0 {
				fmt.Fprintf(&b, ", %d binary skipped", res.SkippedBinary)
			}
			if res.SkippedLarge > 0 {
				fmt.Fprintf(&b, ", %d too large skipped", res.SkippedLarge)
			}
			if res.Truncated {
				b.WriteString(", stopped at the match limit")
			}
			b.WriteString("]")
			return tools.Result{Text: b.String(), Untrusted: true, Structured: res}, nil
		})
}
