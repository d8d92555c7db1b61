package guestclient

import (
	"context"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Typed wrappers around Call for the file operations. Everything they
// return comes from the guest: sizes and counts are bounded by the frame
// limit, but paths, names and content must still be checked by the
// caller before they are acted on.

func callTyped[R any](ctx context.Context, c *Client, op string, args any) (R, error) {
	var r R
	err := c.Call(ctx, op, args, &r)
	return r, err
}

// Stat describes a path without following a final symlink.
func (c *Client) Stat(ctx context.Context, a guestproto.PathArgs) (guestproto.FileInfo, error) {
	return callTyped[guestproto.FileInfo](ctx, c, guestproto.OpStat, a)
}

// Hash returns the SHA-256 of a regular file.
func (c *Client) Hash(ctx context.Context, a guestproto.PathArgs) (guestproto.HashResult, error) {
	return callTyped[guestproto.HashResult](ctx, c, guestproto.OpHash, a)
}

// List lists a directory.
func (c *Client) List(ctx context.Context, a guestproto.ListArgs) (guestproto.ListResult, error) {
	return callTyped[guestproto.ListResult](ctx, c, guestproto.OpList, a)
}

// Tree walks a directory.
func (c *Client) Tree(ctx context.Context, a guestproto.TreeArgs) (guestproto.TreeResult, error) {
	return callTyped[guestproto.TreeResult](ctx, c, guestproto.OpTree, a)
}

// Find finds entries by glob.
func (c *Client) Find(ctx context.Context, a guestproto.FindArgs) (guestproto.FindResult, error) {
	return callTyped[guestproto.FindResult](ctx, c, guestproto.OpFind, a)
}

// Search greps file contents.
func (c *Client) Search(ctx context.Context, a guestproto.SearchArgs) (guestproto.SearchResult, error) {
	return callTyped[guestproto.SearchResult](ctx, c, guestproto.OpSearch, a)
}

// Edit applies string replacements to a file (or previews them).
func (c *Client) Edit(ctx context.Context, a guestproto.EditArgs) (guestproto.EditResult, error) {
	return callTyped[guestproto.EditResult](ctx, c, guestproto.OpEdit, a)
}

// Mkdir creates a directory.
func (c *Client) Mkdir(ctx context.Context, a guestproto.MkdirArgs) (guestproto.FileInfo, error) {
	return callTyped[guestproto.FileInfo](ctx, c, guestproto.OpMkdir, a)
}

// Move renames an entry within a share.
func (c *Client) Move(ctx context.Context, a guestproto.MoveArgs) (guestproto.FileInfo, error) {
	return callTyped[guestproto.FileInfo](ctx, c, guestproto.OpMove, a)
}

// Copy copies a file or directory tree.
func (c *Client) Copy(ctx context.Context, a guestproto.CopyArgs) (guestproto.CopyResult, error) {
	return callTyped[guestproto.CopyResult](ctx, c, guestproto.OpCopy, a)
}

// Delete removes a file, symlink or directory.
func (c *Client) Delete(ctx context.Context, a guestproto.DeleteArgs) (guestproto.DeleteResult, error) {
	return callTyped[guestproto.DeleteResult](ctx, c, guestproto.OpDelete, a)
}
