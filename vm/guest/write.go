package guest

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"strings"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// parseSHA256 validates an optional compare-and-swap hash and returns it
// in lower case.
func parseSHA256(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	s = strings.ToLower(s)
	if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
		return "", protoErr(guestproto.CodeInvalid, "ifSha256 must be 64 hex digits")
	}
	return s, nil
}

// writeFile replaces or creates a regular file atomically: the payload is
// staged in the share's TempDirName, fsynced and renamed over the target
// (or hard-linked, for CreateOnly), then the directory is fsynced. An
// overwrite keeps the target's permissions. With IfSHA256 the write
// happens only if the target's current content has that hash.
func (s *server) writeFile(ctx context.Context, rw io.ReadWriter, a guestproto.WriteArgs) error {
	m, p, err := s.resolveWritable(a.PathArgs)
	if err != nil {
		return err
	}
	if p == "." {
		return protoErr(guestproto.CodeIsDir, "the share root is a directory")
	}
	want, err := parseSHA256(a.IfSHA256)
	if err != nil {
		return err
	}
	if a.CreateOnly && want != "" {
		return protoErr(guestproto.CodeInvalid, "createOnly and ifSha256 are exclusive")
	}
	mode := fs.FileMode(a.Mode).Perm()
	if mode == 0 {
		mode = 0o644
	}
	before, err := existingTarget(m.root, p)
	if err != nil {
		return err
	}
	switch {
	case before != nil && a.CreateOnly:
		return protoErr(guestproto.CodeExists, "%s exists", p)
	case before != nil:
		mode = before.Mode().Perm()
	case want != "":
		return protoErr(guestproto.CodeConflict, "%s does not exist, so it cannot have the expected hash", p)
	}
	if err := checkParent(m.root, p); err != nil {
		return err
	}
	if want != "" {
		sum, _, fi, err := hashFile(ctx, m.root, p)
		if err != nil {
			return err
		}
		if sum != want {
			return protoErr(guestproto.CodeConflict, "%s has changed: its SHA-256 is %s", p, sum)
		}
		before = fi
	}

	st, err := stageFile(m.root, mode)
	if err != nil {
		return err
	}
	defer st.abort()
	n, err := guestproto.ReadData(ctxReader{ctx, rw}, st, MaxWriteSize)
	if err != nil {
		if errors.Is(err, guestproto.ErrTooLarge) {
			return protoErr(guestproto.CodeTooLarge, "write exceeds %d bytes", MaxWriteSize)
		}
		return err
	}
	if want != "" {
		// The payload took a while to arrive: the compare-and-swap must
		// still hold when the swap happens.
		if err := unchanged(m.root, p, before); err != nil {
			return err
		}
	}
	if err := st.commit(p, mode, a.CreateOnly, true); err != nil {
		return err
	}
	return reply(rw, guestproto.WriteResult{Size: n}, false)
}
