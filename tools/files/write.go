package files

import (
	"context"
	"fmt"
	"strings"

	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

type writeArgs struct {
	Path    string `json:"path" jsonschema:"required" jsonschema_description:"File to create or overwrite"`
	Content string `json:"content" jsonschema:"required" jsonschema_description:"The complete new content"`
}

func (a *writeArgs) Validate() error {
	if len(a.Content) > MaxWrite {
		return tools.Userf("content is %d bytes; write_file accepts at most %d", len(a.Content), MaxWrite)
	}
	return nil
}

func writeFile() tools.Tool {
	return tools.Define("write_file", "Write File",
		"Create a new file or completely overwrite an existing file. The write is atomic (the old content stays intact if anything fails) and keeps the file's permissions. Only works within read-write allowed directories.",
		destructive,
		func(ctx context.Context, c *tools.Call, a writeArgs) (tools.Result, error) {
			t, ag, err := c.Target(ctx, a.Path, true)
			if err != nil {
				return tools.Result{}, err
			}
			res, err := ag.WriteFile(ctx, guestproto.WriteArgs{PathArgs: pa(t)}, strings.NewReader(a.Content))
			if err != nil {
				return tools.Result{}, err
			}
			return tools.Result{Text: fmt.Sprintf("Successfully wrote to %s (%d bytes)", a.Path, res.Size)}, nil
		})
}

type editOp struct {
	OldText string `json:"oldText" jsonschema:"required" jsonschema_description:"Text to search for - must match exactly"`
	NewText string `json:"newText" jsonschema:"required" jsonschema_description:"Text to replace with"`
}

type editArgs struct {
	Path   string   `json:"path" jsonschema:"required"`
	Edits  []editOp `json:"edits" jsonschema:"required,minItems=1"`
	DryRun bool     `json:"dryRun,omitempty" jsonschema:"default=false" jsonschema_description:"Preview changes using git-style diff format"`
}

func (a *editArgs) Validate() error {
	if len(a.Edits) == 0 || len(a.Edits) > guestproto.MaxEdits {
		return tools.Userf("edits: give 1 to %d edits", guestproto.MaxEdits)
	}
	for i, e := range a.Edits {
		if e.OldText == "" {
			return tools.Userf("edit %d: oldText is empty", i+1)
		}
	}
	return nil
}

func editFile() tools.Tool {
	return tools.Define("edit_file", "Edit File",
		"Make exact text replacements in a file. Each oldText must occur exactly once; all edits apply or none. Returns a git-style diff. With dryRun, shows the diff without changing the file.",
		destructive,
		func(ctx context.Context, c *tools.Call, a editArgs) (tools.Result, error) {
			t, ag, err := c.Target(ctx, a.Path, !a.DryRun)
			if err != nil {
				return tools.Result{}, err
			}
			args := guestproto.EditArgs{PathArgs: pa(t), DryRun: a.DryRun}
			for _, e := range a.Edits {
				args.Edits = append(args.Edits, guestproto.Edit{Old: e.OldText, New: e.NewText})
			}
			var res guestproto.EditResult
			if err := ag.Call(ctx, guestproto.OpEdit, args, &res); err != nil {
				return tools.Result{}, err
			}
			text := "```diff\n" + res.Diff + "```\n\n"
			return tools.Result{Text: text, Untrusted: true, Structured: map[string]any{"content": text}}, nil
		})
}

func createDirectory() tools.Tool {
	return tools.Define("create_directory", "Create Directory",
		"Create a directory, with any missing parents. An existing directory is fine. Only works within read-write allowed directories.",
		additive,
		func(ctx context.Context, c *tools.Call, a pathArg) (tools.Result, error) {
			t, ag, err := c.Target(ctx, a.Path, true)
			if err != nil {
				return tools.Result{}, err
			}
			var fi guestproto.FileInfo
			if err := ag.Call(ctx, guestproto.OpMkdir, guestproto.MkdirArgs{PathArgs: pa(t), Parents: true}, &fi); err != nil {
				return tools.Result{}, err
			}
			return tools.Result{Text: "Successfully created directory " + a.Path}, nil
		})
}

type moveArgs struct {
	Source      string `json:"source" jsonschema:"required"`
	Destination string `json:"destination" jsonschema:"required"`
}

func moveFile() tools.Tool {
	return tools.Define("move_file", "Move File",
		"Move or rename a file or directory. Fails if the destination exists. Both paths must be within read-write allowed directories.",
		destructive,
		func(ctx context.Context, c *tools.Call, a moveArgs) (tools.Result, error) {
			from, err := c.Resolve(a.Source, true)
			if err != nil {
				return tools.Result{}, err
			}
			to, ag, err := c.Target(ctx, a.Destination, true)
			if err != nil {
				return tools.Result{}, err
			}
			if from.Mount == to.Mount {
				var fi guestproto.FileInfo
				if err := ag.Call(ctx, guestproto.OpMove, guestproto.MoveArgs{From: pa(from), To: pa(to)}, &fi); err != nil {
					return tools.Result{}, err
				}
			} else {
				// Across mounts: copy, then delete the source.
				var cr guestproto.CopyResult
				if err := ag.Call(ctx, guestproto.OpCopy, guestproto.CopyArgs{From: pa(from), To: pa(to), Recursive: true}, &cr); err != nil {
					return tools.Result{}, err
				}
				var dr guestproto.DeleteResult
				if err := ag.Call(ctx, guestproto.OpDelete, guestproto.DeleteArgs{PathArgs: pa(from), Recursive: true}, &dr); err != nil {
					return tools.Result{}, fmt.Errorf("copied to %s but could not remove the source: %w", a.Destination, err)
				}
			}
			return tools.Result{Text: fmt.Sprintf("Successfully moved %s to %s", a.Source, a.Destination)}, nil
		})
}

type copyArgs struct {
	Source      string `json:"source" jsonschema:"required"`
	Destination string `json:"destination" jsonschema:"required"`
	Overwrite   bool   `json:"overwrite,omitempty" jsonschema_description:"Replace an existing destination"`
	Recursive   bool   `json:"recursive,omitempty" jsonschema_description:"Copy a directory and everything in it"`
}

func copyFile() tools.Tool {
	return tools.Define("copy_file", "Copy File",
		"Copy a file, or a directory with recursive=true. Fails if the destination exists unless overwrite=true. Symlinks are copied as links, never followed.",
		tools.Annotations{Destructive: true, Idempotent: true},
		func(ctx context.Context, c *tools.Call, a copyArgs) (tools.Result, error) {
			from, err := c.Resolve(a.Source, false)
			if err != nil {
				return tools.Result{}, err
			}
			to, ag, err := c.Target(ctx, a.Destination, true)
			if err != nil {
				return tools.Result{}, err
			}
			var cr guestproto.CopyResult
			if err := ag.Call(ctx, guestproto.OpCopy, guestproto.CopyArgs{From: pa(from), To: pa(to), Overwrite: a.Overwrite, Recursive: a.Recursive}, &cr); err != nil {
				return tools.Result{}, err
			}
			return tools.Result{Text: fmt.Sprintf("Copied %s to %s (%d files, %d bytes)", a.Source, a.Destination, cr.Files, cr.Bytes), Structured: cr}, nil
		})
}

type deleteArgs struct {
	Path      string `json:"path" jsonschema:"required"`
	Recursive bool   `json:"recursive,omitempty" jsonschema_description:"Required to delete a non-empty directory"`
}

func deleteFile() tools.Tool {
	return tools.Define("delete_file", "Delete File",
		"Delete a file, a symlink (not its target) or an empty directory; a non-empty directory only with recursive=true. Returns what was removed.",
		destructive,
		func(ctx context.Context, c *tools.Call, a deleteArgs) (tools.Result, error) {
			t, err := c.Resolve(a.Path, true)
			if err != nil {
				return tools.Result{}, err
			}
			if t.Rel == "." {
				return tools.Result{}, tools.Userf("refusing to delete the allowed directory %q itself", a.Path)
			}
			ag, err := c.Agent(ctx)
			if err != nil {
				return tools.Result{}, err
			}
			var dr guestproto.DeleteResult
			if err := ag.Call(ctx, guestproto.OpDelete, guestproto.DeleteArgs{PathArgs: pa(t), Recursive: a.Recursive}, &dr); err != nil {
				return tools.Result{}, err
			}
			text := fmt.Sprintf("Deleted %s (%d entries, %d bytes)", a.Path, dr.Count, dr.Bytes)
			return tools.Result{Text: text, Structured: dr}, nil
		})
}
