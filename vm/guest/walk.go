package guest

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// readDirBatch is how many directory entries are read at a time.
const readDirBatch = 1024

// maxHeldNames bounds the entry names a walk holds at once across all the
// directories it is inside; a directory past it is read only in part and
// the walk reports itself incomplete.
const maxHeldNames = 250_000

// Limits on glob arguments.
const (
	maxGlobs   = 64
	maxGlobLen = 1024
)

// errStopWalk ends a walk early without an error.
var errStopWalk = errors.New("stop walk")

// openDirRoot opens the directory p of a share as a root of its own. A
// symlink at p is followed (inside the share); the directory opened must
// be the one Stat saw.
func openDirRoot(root *os.Root, p string) (*os.Root, fs.FileInfo, error) {
	fi, err := root.Stat(p)
	if err != nil {
		return nil, nil, err
	}
	if !fi.IsDir() {
		return nil, nil, protoErr(guestproto.CodeNotDir, "%s is not a directory", p)
	}
	dr, err := root.OpenRoot(p)
	if err != nil {
		return nil, nil, err
	}
	dfi, err := dr.Stat(".")
	if err != nil {
		dr.Close()
		return nil, nil, err
	}
	if !os.SameFile(fi, dfi) {
		dr.Close()
		return nil, nil, protoErr(guestproto.CodeConflict, "%s changed while it was being opened", p)
	}
	return dr, dfi, nil
}

// walkEntry is one entry met by a walk.
type walkEntry struct {
	rel   string      // slash-separated, relative to where the walk started
	name  string      // base name
	info  fs.FileInfo // from Lstat: a symlink is described, not followed
	dir   *os.Root    // the directory holding the entry, open during the visit
	depth int         // 1 for the start directory's children
}

// walker walks a directory tree depth-first in name order. It never
// follows symlinks: every entry is Lstat'ed, a directory is entered only
// if it is one, and the directory opened must be the inode that Lstat
// described, so a swap cannot redirect the walk and a symlink loop cannot
// trap it. The share's staging directory is never shown.
type walker struct {
	ctx      context.Context
	m        *mount
	maxDepth int      // entries deeper than this are not visited
	exclude  []string // globs matched against the relative path and the base name
	maxHeld  int      // budget of names held at once; 0 means maxHeldNames

	held       int  // names held by the directories being walked
	incomplete bool // some directory was too large to read completely
}

// run walks the directory top. visit is called for every entry not
// excluded; for a directory it returns whether to enter it. It may return
// errStopWalk to end the walk early.
func (w *walker) run(top *os.Root, visit func(walkEntry) (bool, error)) error {
	err := w.walk(top, "", 0, visit)
	if errors.Is(err, errStopWalk) {
		return nil
	}
	return err
}

func (w *walker) walk(dir *os.Root, rel string, depth int, visit func(walkEntry) (bool, error)) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	names, err := w.readNames(dir)
	defer func() { w.held -= len(names) }()
	if err != nil {
		if depth == 0 {
			return err
		}
		w.incomplete = true // an unreadable subdirectory
	}
	for _, name := range names {
		child := name
		if rel != "" {
			child = rel + "/" + name
		}
		if w.excluded(child, name) {
			continue
		}
		fi, err := dir.Lstat(name)
		if err != nil {
			continue // gone since it was listed
		}
		enter, err := visit(walkEntry{rel: child, name: name, info: fi, dir: dir, depth: depth + 1})
		if err != nil {
			return err
		}
		if !enter || !fi.IsDir() || depth+1 >= w.maxDepth {
			continue
		}
		sub, err := dir.OpenRoot(name)
		if err != nil {
			w.incomplete = true
			continue
		}
		if sfi, err := sub.Stat("."); err != nil || !os.SameFile(fi, sfi) {
			sub.Close()
			w.incomplete = true
			continue
		}
		err = w.walk(sub, child, depth+1, visit)
		sub.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// readNames reads a directory's entry names, sorted, within the walk's
// budget of held names.
func (w *walker) readNames(dir *os.Root) ([]string, error) {
	d, err := dir.Open(".")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	fi, err := d.Stat()
	if err != nil {
		return nil, err
	}
	hide := w.m.isShareRoot(fi)
	budget := w.maxHeld
	if budget == 0 {
		budget = maxHeldNames
	}
	var names []string
	for {
		batch, err := d.Readdirnames(readDirBatch)
		for _, n := range batch {
			if hide && strings.EqualFold(n, TempDirName) {
				continue
			}
			if w.held >= budget {
				w.incomplete = true
				slices.Sort(names)
				return names, nil
			}
			names = append(names, n)
			w.held++
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			slices.Sort(names)
			return names, err
		}
	}
	slices.Sort(names)
	return names, nil
}

func (w *walker) excluded(rel, name string) bool {
	for _, g := range w.exclude {
		if matchGlob(g, rel) || matchGlob(g, name) {
			return true
		}
	}
	return false
}

// checkGlobs validates a list of glob arguments.
func checkGlobs(what string, globs []string) error {
	if len(globs) > maxGlobs {
		return protoErr(guestproto.CodeInvalid, "at most %d %s patterns", maxGlobs, what)
	}
	for _, g := range globs {
		if err := checkGlob(what, g); err != nil {
			return err
		}
	}
	return nil
}

// checkGlob validates one glob: path.Match syntax for each element, plus
// "**" as a whole element.
func checkGlob(what, g string) error {
	if g == "" || len(g) > maxGlobLen {
		return protoErr(guestproto.CodeInvalid, "%s pattern must be 1 to %d bytes", what, maxGlobLen)
	}
	for _, el := range strings.Split(g, "/") {
		if _, err := path.Match(el, ""); err != nil {
			return protoErr(guestproto.CodeInvalid, "bad %s pattern %q: %v", what, g, err)
		}
	}
	return nil
}

// matchGlob matches a slash-separated name against a glob whose elements
// use path.Match syntax, where an element "**" matches any number of
// path elements (none included). It runs in time proportional to the
// product of the element counts, whatever the pattern.
func matchGlob(pattern, name string) bool {
	pe := strings.Split(pattern, "/")
	ne := strings.Split(name, "/")
	// ok[j]: pattern elements so far match the first j name elements.
	ok := make([]bool, len(ne)+1)
	next := make([]bool, len(ne)+1)
	ok[0] = true
	for _, p := range pe {
		if p == "**" {
			seen := false
			for j := range ok {
				seen = seen || ok[j]
				next[j] = seen
			}
		} else {
			next[0] = false
			for j := 1; j <= len(ne); j++ {
				next[j] = false
				if ok[j-1] {
					m, _ := path.Match(p, ne[j-1])
					next[j] = m
				}
			}
		}
		ok, next = next, ok
	}
	return ok[len(ne)]
}
