package guest

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"unicode/utf8"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Search limits.
const (
	maxSearchPattern = 4096
	defaultMatches   = 100
	// maxLineBytes bounds each line a search returns; longer lines are
	// cut and end in "…".
	maxLineBytes = 1000
)

// searcher scans files for one search call.
type searcher struct {
	ctx        context.Context
	re         *regexp.Regexp
	include    string
	context    int
	maxMatches int
	res        *guestproto.SearchResult
	buf        bytes.Buffer
}

// search greps regular files under a directory (or one file) with an RE2
// expression, line by line. Symlinks are never followed; binary files and
// files over MaxSearchBytes are skipped and counted.
func (s *server) search(ctx context.Context, a guestproto.SearchArgs) (guestproto.SearchResult, error) {
	res := guestproto.SearchResult{Matches: []guestproto.Match{}}
	m, p, err := s.resolve(a.PathArgs)
	if err != nil {
		return res, err
	}
	sc := &searcher{ctx: ctx, include: a.Include, res: &res}
	if err := sc.configure(a); err != nil {
		return res, err
	}
	fi, err := m.root.Stat(p)
	if err != nil {
		return res, err
	}
	if fi.IsDir() {
		dr, _, err := openDirRoot(m.root, p)
		if err != nil {
			return res, err
		}
		defer dr.Close()
		w := &walker{ctx: ctx, m: m, maxDepth: guestproto.MaxTreeDepth, exclude: a.Exclude}
		err = w.run(dr, func(e walkEntry) (bool, error) {
			return true, sc.file(e.dir, e.name, e.rel, e.info)
		})
		if err != nil {
			return res, err
		}
		res.Truncated = res.Truncated || w.incomplete
	} else {
		// One file, addressed directly: refuse what the walk would skip.
		dr, _, err := openDirRoot(m.root, path.Dir(p))
		if err != nil {
			return res, err
		}
		defer dr.Close()
		name := path.Base(p)
		lfi, err := dr.Lstat(name)
		if err != nil {
			return res, err
		}
		if err := needRegular(p, lfi); err != nil {
			return res, err
		}
		sc.include = ""
		if err := sc.file(dr, name, name, lfi); err != nil && err != errStopWalk {
			return res, err
		}
	}
	err = fitResult(&res, len(res.Matches), func(n int) {
		res.Matches = res.Matches[:n]
		res.Truncated = true
	})
	return res, err
}

func (sc *searcher) configure(a guestproto.SearchArgs) error {
	switch {
	case a.Pattern == "" || len(a.Pattern) > maxSearchPattern:
		return protoErr(guestproto.CodeInvalid, "pattern must be 1 to %d bytes", maxSearchPattern)
	case a.MaxMatches < 0 || a.Context < 0:
		return protoErr(guestproto.CodeInvalid, "maxMatches and context must not be negative")
	}
	if a.Include != "" {
		if err := checkGlob("include", a.Include); err != nil {
			return err
		}
	}
	if err := checkGlobs("exclude", a.Exclude); err != nil {
		return err
	}
	expr := a.Pattern
	if a.CaseInsensitive {
		expr = "(?i)" + expr
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return protoErr(guestproto.CodeInvalid, "bad pattern: %v", err)
	}
	sc.re = re
	sc.maxMatches = a.MaxMatches
	if sc.maxMatches == 0 {
		sc.maxMatches = defaultMatches
	}
	sc.maxMatches = min(sc.maxMatches, guestproto.MaxMatches)
	sc.context = min(a.Context, guestproto.MaxContext)
	return nil
}

// file searches one directory entry; it returns errStopWalk once the
// match limit is reached.
func (sc *searcher) file(dir *os.Root, name, rel string, fi fs.FileInfo) error {
	if err := sc.ctx.Err(); err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	if sc.include != "" && !matchGlob(sc.include, name) {
		return nil
	}
	if fi.Size() > guestproto.MaxSearchBytes {
		sc.res.SkippedLarge++
		return nil
	}
	f, _, err := openRegular(dir, name)
	if err != nil {
		return nil // swapped or gone since it was listed
	}
	sc.buf.Reset()
	_, err = sc.buf.ReadFrom(io.LimitReader(ctxReader{sc.ctx, f}, guestproto.MaxSearchBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	data := sc.buf.Bytes()
	if len(data) > guestproto.MaxSearchBytes {
		sc.res.SkippedLarge++ // it grew
		return nil
	}
	if looksBinary(data[:min(len(data), sniffSize)], len(data) <= sniffSize) {
		sc.res.SkippedBinary++
		return nil
	}
	sc.res.FilesScanned++
	return sc.scan(rel, data)
}

// scan matches data line by line, collecting context lines around each
// match.
func (sc *searcher) scan(rel string, data []byte) error {
	var (
		before  [][]byte // the last sc.context lines
		pending []int    // matches still collecting lines after them
		full    bool     // the match limit was reached
	)
	for off, lineNo := 0, 1; off < len(data); lineNo++ {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		line := data[off:end]
		off = end + 1

		kept := pending[:0]
		for _, i := range pending {
			mt := &sc.res.Matches[i]
			mt.After = append(mt.After, clipLine(line))
			if len(mt.After) < sc.context {
				kept = append(kept, i)
			}
		}
		pending = kept
		if full {
			if len(pending) == 0 {
				break
			}
			continue
		}
		if sc.re.Match(line) {
			if len(sc.res.Matches) >= sc.maxMatches {
				sc.res.Truncated = true
				full = true
				if len(pending) == 0 {
					break
				}
				continue
			}
			mt := guestproto.Match{Path: rel, Line: lineNo, Text: clipLine(line)}
			for _, b := range before {
				mt.Before = append(mt.Before, clipLine(b))
			}
			sc.res.Matches = append(sc.res.Matches, mt)
			if sc.context > 0 {
				pending = append(pending, len(sc.res.Matches)-1)
			}
		}
		if sc.context > 0 {
			if len(before) == sc.context {
				before = before[1:]
			}
			before = append(before, line)
		}
	}
	if full {
		return errStopWalk
	}
	return nil
}

// clipLine returns a line as a string, cut to maxLineBytes on a rune
// boundary with "…" appended if it was longer.
func clipLine(b []byte) string {
	if len(b) <= maxLineBytes {
		return string(b)
	}
	cut := maxLineBytes
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return string(b[:cut]) + "…"
}
