package guest

import (
	"cmp"
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// maxSortScan bounds the entries a listing sorted by size or time stats:
// each needs its own stat call, which over 9p is a round trip to the host.
const maxSortScan = 200_000

// clampLimit applies an entry limit's default and maximum.
func clampLimit(limit, maximum int) (int, error) {
	switch {
	case limit < 0:
		return 0, protoErr(guestproto.CodeInvalid, "limit must not be negative")
	case limit == 0 || limit > maximum:
		return maximum, nil
	}
	return limit, nil
}

// listItem is a candidate entry of a listing.
type listItem struct {
	name string
	info fs.FileInfo // nil until stat'ed (name-sorted listings stat only what they return)
}

// best keeps the k smallest items it is given according to cmp, in
// memory proportional to k however many it sees.
type best[T any] struct {
	k     int
	cmp   func(a, b T) int
	items []T
}

func (b *best[T]) add(x T) {
	b.items = append(b.items, x)
	if len(b.items) >= 2*b.k+readDirBatch {
		b.trim()
	}
}

func (b *best[T]) trim() {
	slices.SortFunc(b.items, b.cmp)
	if len(b.items) > b.k {
		clear(b.items[b.k:])
		b.items = b.items[:b.k]
	}
}

// sorted returns the kept items in order.
func (b *best[T]) sorted() []T {
	b.trim()
	return b.items
}

func listOrder(sortBy string) (func(a, b listItem) int, bool, error) {
	byName := func(a, b listItem) int { return strings.Compare(a.name, b.name) }
	switch sortBy {
	case "", "name":
		return byName, false, nil
	case "size": // largest first
		return func(a, b listItem) int {
			return cmp.Or(cmp.Compare(b.info.Size(), a.info.Size()), byName(a, b))
		}, true, nil
	case "mtime": // newest first
		return func(a, b listItem) int {
			return cmp.Or(b.info.ModTime().Compare(a.info.ModTime()), byName(a, b))
		}, true, nil
	}
	return nil, false, protoErr(guestproto.CodeInvalid, "sortBy must be name, size or mtime, not %q", sortBy)
}

// list lists one directory without following any symlink in it. Names
// are read in batches and only the entries to be returned are kept, so a
// huge directory costs time, not memory; a name-sorted listing stats only
// the entries it returns.
func (s *server) list(ctx context.Context, a guestproto.ListArgs) (guestproto.ListResult, error) {
	var res guestproto.ListResult
	m, p, err := s.resolve(a.PathArgs)
	if err != nil {
		return res, err
	}
	limit, err := clampLimit(a.Limit, guestproto.MaxEntries)
	if err != nil {
		return res, err
	}
	order, needStat, err := listOrder(a.SortBy)
	if err != nil {
		return res, err
	}
	dr, dfi, err := openDirRoot(m.root, p)
	if err != nil {
		return res, err
	}
	defer dr.Close()
	d, err := dr.Open(".")
	if err != nil {
		return res, err
	}
	defer d.Close()
	hide := m.isShareRoot(dfi)

	top := &best[listItem]{k: limit, cmp: order}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var rerr error
		if needStat {
			// Entries of a directory opened through os.Root come
			// already lstat'ed (by fstatat on the directory).
			var ents []fs.DirEntry
			ents, rerr = d.ReadDir(readDirBatch)
			for _, e := range ents {
				if hide && strings.EqualFold(e.Name(), TempDirName) {
					continue
				}
				if res.Total++; res.Total > maxSortScan {
					return res, protoErr(guestproto.CodeTooLarge, "%s has more than %d entries: too many to sort by %s; list by name", p, maxSortScan, a.SortBy)
				}
				if info, err := e.Info(); err == nil {
					top.add(listItem{name: e.Name(), info: info})
				}
			}
		} else {
			var names []string
			names, rerr = d.Readdirnames(readDirBatch)
			for _, n := range names {
				if hide && strings.EqualFold(n, TempDirName) {
					continue
				}
				res.Total++
				top.add(listItem{name: n})
			}
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return res, rerr
		}
	}

	items := top.sorted()
	res.Entries = make([]guestproto.FileInfo, 0, len(items))
	for _, it := range items {
		fi := it.info
		if fi == nil {
			if fi, err = dr.Lstat(it.name); err != nil {
				res.Total-- // gone since it was listed
				continue
			}
		}
		info := basicInfo(fi)
		if fi.Mode()&fs.ModeSymlink != 0 {
			info.Target, _ = dr.Readlink(it.name)
		}
		res.Entries = append(res.Entries, info)
	}
	res.Truncated = len(res.Entries) < res.Total
	err = fitResult(&res, len(res.Entries), func(n int) {
		res.Entries = res.Entries[:n]
		res.Truncated = true
	})
	return res, err
}
