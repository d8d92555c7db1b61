package guest

import (
	"io"
	"os"
	"path/filepath"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// probe serves the self-test operations. They act on raw guest paths, the
// way a hostile guest with root could, so tests can show what the
// hypervisor enforces regardless of this agent's own checks.
func (s *server) probe(w io.Writer, req guestproto.Request) error {
	if req.Op == guestproto.OpProbeMounts {
		b, err := os.ReadFile("/proc/mounts")
		if err != nil {
			return err
		}
		return reply(w, guestproto.ProbeMountsResult{Mounts: string(b)}, false)
	}
	var a guestproto.ProbeArgs
	if err := decodeArgs(req, &a); err != nil {
		return err
	}
	if req.Op == guestproto.OpProbeZero {
		if a.Size < 0 || a.Size > 1<<30 {
			return protoErr(guestproto.CodeInvalid, "probe.zero size out of range")
		}
		if err := reply(w, nil, true); err != nil {
			return err
		}
		_, err := guestproto.WriteData(w, io.LimitReader(zeroReader{}, a.Size))
		return err
	}
	if !filepath.IsAbs(a.Path) {
		return protoErr(guestproto.CodeInvalid, "probe path must be absolute")
	}
	switch req.Op {
	case guestproto.OpProbeStat:
		return reply(w, guestproto.ProbeStatResult{Exists: exists(a.Path)}, false)
	default: // OpProbeWrite
		if a.Remount {
			if err := remountWritable(a.Path); err != nil {
				return err
			}
		}
		if err := os.WriteFile(a.Path, []byte("written by probe.write\n"), 0o644); err != nil {
			return err
		}
		return reply(w, nil, false)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
