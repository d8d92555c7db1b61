package guest

import (
	"context"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// clampDepth applies a walk depth's default and maximum.
func clampDepth(depth int) (int, error) {
	switch {
	case depth < 0:
		return 0, protoErr(guestproto.CodeInvalid, "depth must not be negative")
	case depth == 0 || depth > guestproto.MaxTreeDepth:
		return guestproto.MaxTreeDepth, nil
	}
	return depth, nil
}

// tree walks a directory depth-first in name order, listing symlinks as
// such without following them, down to Depth levels and up to Limit
// entries.
func (s *server) tree(ctx context.Context, a guestproto.TreeArgs) (guestproto.TreeResult, error) {
	res := guestproto.TreeResult{Entries: []guestproto.TreeEntry{}}
	m, p, err := s.resolve(a.PathArgs)
	if err != nil {
		return res, err
	}
	depth, err := clampDepth(a.Depth)
	if err != nil {
		return res, err
	}
	limit, err := clampLimit(a.Limit, guestproto.MaxEntries)
	if err != nil {
		return res, err
	}
	if err := checkGlobs("exclude", a.Exclude); err != nil {
		return res, err
	}
	dr, _, err := openDirRoot(m.root, p)
	if err != nil {
		return res, err
	}
	defer dr.Close()
	w := &walker{ctx: ctx, m: m, maxDepth: depth, exclude: a.Exclude}
	err = w.run(dr, func(e walkEntry) (bool, error) {
		if len(res.Entries) >= limit {
			res.Truncated = true
			return false, errStopWalk
		}
		res.Entries = append(res.Entries, guestproto.TreeEntry{Path: e.rel, Type: fileType(e.info.Mode()), Size: e.info.Size()})
		return true, nil
	})
	if err != nil {
		return res, err
	}
	res.Truncated = res.Truncated || w.incomplete
	err = fitResult(&res, len(res.Entries), func(n int) {
		res.Entries = res.Entries[:n]
		res.Truncated = true
	})
	return res, err
}

// find walks a directory like tree and returns the paths whose relative
// path or base name matches the pattern.
func (s *server) find(ctx context.Context, a guestproto.FindArgs) (guestproto.FindResult, error) {
	res := guestproto.FindResult{Paths: []string{}}
	m, p, err := s.resolve(a.PathArgs)
	if err != nil {
		return res, err
	}
	if err := checkGlob("find", a.Pattern); err != nil {
		return res, err
	}
	if err := checkGlobs("exclude", a.Exclude); err != nil {
		return res, err
	}
	limit, err := clampLimit(a.Limit, guestproto.MaxEntries)
	if err != nil {
		return res, err
	}
	dr, _, err := openDirRoot(m.root, p)
	if err != nil {
		return res, err
	}
	defer dr.Close()
	w := &walker{ctx: ctx, m: m, maxDepth: guestproto.MaxTreeDepth, exclude: a.Exclude}
	err = w.run(dr, func(e walkEntry) (bool, error) {
		if !matchGlob(a.Pattern, e.rel) && !matchGlob(a.Pattern, e.name) {
			return true, nil
		}
		if len(res.Paths) >= limit {
			res.Truncated = true
			return false, errStopWalk
		}
		res.Paths = append(res.Paths, e.rel)
		return true, nil
	})
	if err != nil {
		return res, err
	}
	res.Truncated = res.Truncated || w.incomplete
	err = fitResult(&res, len(res.Paths), func(n int) {
		res.Paths = res.Paths[:n]
		res.Truncated = true
	})
	return res, err
}
