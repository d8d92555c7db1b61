package guest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// edit applies string replacements to a regular file, all or none, and
// reports them as a unified diff. Each edit's old text must occur exactly
// once (at least once with ReplaceAll) in the content as the previous
// edits left it. Unless DryRun, the result is written atomically like
// writeFile, keeping the file's permissions; IfSHA256 makes it a
// compare-and-swap. Files over MaxEditSize, before or after, are refused.
func (s *server) edit(ctx context.Context, a guestproto.EditArgs) (guestproto.EditResult, error) {
	var res guestproto.EditResult
	m, p, err := s.resolveWritable(a.PathArgs)
	if err != nil {
		return res, err
	}
	if p == "." {
		return res, protoErr(guestproto.CodeIsDir, "the share root is a directory")
	}
	want, err := parseSHA256(a.IfSHA256)
	if err != nil {
		return res, err
	}
	if err := checkEdits(a.Edits); err != nil {
		return res, err
	}
	f, fi, err := openRegular(m.root, p)
	if err != nil {
		return res, err
	}
	if fi.Size() > MaxEditSize {
		f.Close()
		return res, protoErr(guestproto.CodeTooLarge, "%s is %d bytes; edit handles files up to %d", p, fi.Size(), MaxEditSize)
	}
	data, err := io.ReadAll(io.LimitReader(ctxReader{ctx, f}, MaxEditSize+1))
	f.Close()
	if err != nil {
		return res, err
	}
	if len(data) > MaxEditSize {
		return res, protoErr(guestproto.CodeTooLarge, "%s grew past %d bytes", p, MaxEditSize)
	}
	old := string(data)
	res.OldSHA256 = sha256Hex(old)
	if want != "" && want != res.OldSHA256 {
		return res, protoErr(guestproto.CodeConflict, "%s has changed: its SHA-256 is %s", p, res.OldSHA256)
	}

	content := old
	for i, e := range a.Edits {
		n := strings.Count(content, e.Old)
		switch {
		case n == 0:
			return res, protoErr(guestproto.CodeConflict, "edits[%d]: old text not found (0 occurrences)", i)
		case n > 1 && !e.ReplaceAll:
			return res, protoErr(guestproto.CodeConflict, "edits[%d]: old text found %d times; it must occur exactly once (add context) or set replaceAll", i, n)
		}
		if size := len(content) + n*(len(e.New)-len(e.Old)); size > MaxEditSize {
			return res, protoErr(guestproto.CodeTooLarge, "edits[%d] would make the file %d bytes; the limit is %d", i, size, MaxEditSize)
		}
		content = strings.Replace(content, e.Old, e.New, n)
		res.Replacements += n
	}
	res.NewSHA256 = sha256Hex(content)
	res.Diff = unifiedDiff(p, old, content)

	if !a.DryRun && content != old {
		st, err := stageFile(m.root, fi.Mode().Perm())
		if err != nil {
			return res, err
		}
		defer st.abort()
		if _, err := io.WriteString(st, content); err != nil {
			return res, fmt.Errorf("write staging file: %w", err)
		}
		if err := unchanged(m.root, p, fi); err != nil {
			return res, err
		}
		if err := st.commit(p, fi.Mode().Perm(), false, true); err != nil {
			return res, err
		}
	}
	lines := strings.SplitAfter(res.Diff, "\n")
	err = fitResult(&res, len(lines), func(n int) {
		res.Diff = strings.Join(lines[:n], "") + fmt.Sprintf("\\ diff truncated: %d of %d lines shown\n", n, len(lines))
	})
	return res, err
}

func checkEdits(edits []guestproto.Edit) error {
	switch {
	case len(edits) == 0:
		return protoErr(guestproto.CodeInvalid, "no edits")
	case len(edits) > guestproto.MaxEdits:
		return protoErr(guestproto.CodeInvalid, "%d edits; at most %d per call", len(edits), guestproto.MaxEdits)
	}
	for i, e := range edits {
		if e.Old == "" {
			return protoErr(guestproto.CodeInvalid, "edits[%d]: old text is empty", i)
		}
	}
	return nil
}
