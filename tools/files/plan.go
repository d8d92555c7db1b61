package files

import (
	"context"
	"errors"
	"path"
	"path/filepath"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm/guestclient"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Planners describe, before a destructive tool runs, what it will change.
// They only read (stat and walk inside the VM); the approval hook shows
// the plan to the user and re-plans after the answer to make sure nothing
// changed in between.

// item stats one path. A missing path is an item that does not exist.
func item(ctx context.Context, ag *guestclient.Client, t tools.Target, host string, walk bool) (approvals.Item, error) {
	it := approvals.Item{Path: host}
	fi, err := ag.Stat(ctx, pa(t))
	if errors.Is(err, guestproto.ErrNotFound) {
		return it, nil
	}
	if err != nil {
		return it, err
	}
	it.Exists, it.IsDir, it.Size, it.Inode, it.ModTime = true, fi.Type == "dir", fi.Size, fi.Inode, fi.ModTime
	if it.IsDir && walk {
		tr, err := ag.Tree(ctx, guestproto.TreeArgs{PathArgs: pa(t)})
		if err != nil {
			return it, err
		}
		for _, e := range tr.Entries {
			if e.Type == "file" {
				it.Files++
				it.Bytes += e.Size
			}
		}
		if tr.Truncated {
			// More than the walk returns: say at least this many.
			it.Files = max(it.Files, guestproto.MaxEntries)
		}
	} else if !it.IsDir {
		it.Files, it.Bytes = 1, fi.Size
		if fi.Type == "file" && fi.Size <= hashLimit {
			// The content hash lets the gate notice a rewrite between
			// approval and execution that keeps inode, size and mtime.
			h, err := ag.Hash(ctx, pa(t))
			if err != nil {
				return it, err
			}
			it.Hash = h.SHA256
		}
	}
	return it, nil
}

// hashLimit bounds the files the planner hashes.
const hashLimit = 16 << 20

func planWrite(ctx context.Context, c *tools.Call, a writeArgs) (approvals.Plan, error) {
	t, ag, err := c.Target(ctx, a.Path, true)
	if err != nil {
		return approvals.Plan{}, err
	}
	it, err := item(ctx, ag, t, a.Path, false)
	if err != nil {
		return approvals.Plan{}, err
	}
	p := approvals.Plan{Tool: "write_file", Items: []approvals.Item{it}}
	if it.Exists {
		p.Summary, p.Kinds = "Overwrite file", []approvals.Kind{approvals.KindOverwrite}
	} else {
		p.Summary, p.Kinds = "Create file", []approvals.Kind{approvals.KindWrite}
	}
	return p, nil
}

func planEdit(ctx context.Context, c *tools.Call, a editArgs) (approvals.Plan, error) {
	if a.DryRun {
		return approvals.Plan{Tool: "edit_file", Summary: "Preview an edit (nothing changes)"}, nil
	}
	t, ag, err := c.Target(ctx, a.Path, true)
	if err != nil {
		return approvals.Plan{}, err
	}
	it, err := item(ctx, ag, t, a.Path, false)
	if err != nil {
		return approvals.Plan{}, err
	}
	args := guestproto.EditArgs{PathArgs: pa(t), DryRun: true}
	for _, e := range a.Edits {
		args.Edits = append(args.Edits, guestproto.Edit{Old: e.OldText, New: e.NewText})
	}
	res, err := ag.Edit(ctx, args)
	if err != nil {
		return approvals.Plan{}, err
	}
	return approvals.Plan{Tool: "edit_file", Summary: "Edit file", Kinds: []approvals.Kind{approvals.KindEdit}, Items: []approvals.Item{it}, Diff: res.Diff}, nil
}

func planDelete(ctx context.Context, c *tools.Call, a deleteArgs) (approvals.Plan, error) {
	t, ag, err := c.Target(ctx, a.Path, true)
	if err != nil {
		return approvals.Plan{}, err
	}
	it, err := item(ctx, ag, t, a.Path, a.Recursive)
	if err != nil {
		return approvals.Plan{}, err
	}
	if !it.Exists {
		return approvals.Plan{}, &guestproto.Error{Code: guestproto.CodeNotFound}
	}
	summary := "Delete file"
	if it.IsDir {
		summary = "Delete directory"
		if a.Recursive {
			summary = "Delete directory and everything in it"
		}
	}
	return approvals.Plan{Tool: "delete_file", Summary: summary, Kinds: []approvals.Kind{approvals.KindDelete}, Items: []approvals.Item{it}}, nil
}

// pair describes the source and destination of a move or copy. The
// source is written only by a move; walkSrc and walkDst count the files in
// directories.
func pair(ctx context.Context, c *tools.Call, source, destination string, srcWrite, walkSrc, walkDst bool) (src, dst approvals.Item, err error) {
	from, err := c.Resolve(source, srcWrite)
	if err != nil {
		return src, dst, err
	}
	to, ag, err := c.Target(ctx, destination, true)
	if err != nil {
		return src, dst, err
	}
	if src, err = item(ctx, ag, from, source, walkSrc); err != nil {
		return src, dst, err
	}
	if dst, err = item(ctx, ag, to, destination, walkDst); err != nil {
		return src, dst, err
	}
	src.Role, dst.Role = "from", "to"
	return src, dst, nil
}

func planMove(ctx context.Context, c *tools.Call, a moveArgs) (approvals.Plan, error) {
	src, dst, err := pair(ctx, c, a.Source, a.Destination, true, true, false)
	if err != nil {
		return approvals.Plan{}, err
	}
	return approvals.Plan{Tool: "move_file", Summary: "Move", Kinds: []approvals.Kind{approvals.KindMove}, Items: []approvals.Item{src, dst}}, nil
}

func planCopy(ctx context.Context, c *tools.Call, a copyArgs) (approvals.Plan, error) {
	src, dst, err := pair(ctx, c, a.Source, a.Destination, false, a.Recursive, a.Overwrite)
	if err != nil {
		return approvals.Plan{}, err
	}
	p := approvals.Plan{Tool: "copy_file", Summary: "Copy", Kinds: []approvals.Kind{approvals.KindWrite}, Items: []approvals.Item{src, dst}}
	if dst.Exists && a.Overwrite {
		p.Summary, p.Kinds = "Copy over an existing destination", []approvals.Kind{approvals.KindCopyOver}
	}
	return p, nil
}

// planMkdir names the highest directory the call will create (it creates
// missing parents too), so the journal can remove all of them on rollback.
func planMkdir(ctx context.Context, c *tools.Call, a pathArg) (approvals.Plan, error) {
	t, ag, err := c.Target(ctx, a.Path, true)
	if err != nil {
		return approvals.Plan{}, err
	}
	host := a.Path
	it, err := item(ctx, ag, t, host, false)
	if err != nil {
		return approvals.Plan{}, err
	}
	for !it.Exists && t.Rel != "." {
		parent := t
		parent.Rel = path.Dir(t.Rel)
		pit, err := item(ctx, ag, parent, filepath.Dir(host), false)
		if err != nil {
			return approvals.Plan{}, err
		}
		if pit.Exists {
			break
		}
		t, host, it = parent, filepath.Dir(host), pit
	}
	return approvals.Plan{Tool: "create_directory", Summary: "Create directory", Kinds: []approvals.Kind{approvals.KindWrite}, Items: []approvals.Item{it}}, nil
}
