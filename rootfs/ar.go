package rootfs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// arMagic starts every ar archive, the container format of .deb files.
const arMagic = "!<arch>\n"

// arHeaderSize is the size of an ar member header.
const arHeaderSize = 60

// arReader reads the members of an ar archive sequentially.
type arReader struct {
	r      *bufio.Reader
	unread int64 // bytes of the current member not yet consumed
	pad    bool  // the current member is followed by a padding byte
}

// newARReader checks the archive magic and returns a reader positioned
// before the first member.
func newARReader(r io.Reader) (*arReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic := make([]byte, len(arMagic))
	if _, err := io.ReadFull(br, magic); err != nil {
		return nil, fmt.Errorf("read ar magic: %w", err)
	}
	if string(magic) != arMagic {
		return nil, fmt.Errorf("not an ar archive")
	}
	return &arReader{r: br}, nil
}

// next skips the rest of the current member and returns the name and size
// of the next one together with a reader for its data. It returns io.EOF
// after the last member.
func (a *arReader) next() (name string, size int64, data io.Reader, err error) {
	skip := a.unread
	if a.pad {
		skip++
	}
	if _, err := io.CopyN(io.Discard, a.r, skip); err != nil {
		return "", 0, nil, fmt.Errorf("skip ar member: %w", noEOF(err))
	}
	a.unread, a.pad = 0, false

	var hdr [arHeaderSize]byte
	_, err = io.ReadFull(a.r, hdr[:])
	if err == io.EOF {
		return "", 0, nil, io.EOF
	}
	if err != nil {
		return "", 0, nil, fmt.Errorf("read ar header: %w", noEOF(err))
	}
	if string(hdr[58:60]) != "`\n" {
		return "", 0, nil, fmt.Errorf("bad ar header terminator")
	}
	size, err = strconv.ParseInt(strings.TrimRight(string(hdr[48:58]), " "), 10, 64)
	if err != nil || size < 0 {
		return "", 0, nil, fmt.Errorf("bad ar member size %q", strings.TrimSpace(string(hdr[48:58])))
	}
	a.pad = size%2 == 1
	name = strings.TrimRight(string(hdr[0:16]), " ")
	if rest, ok := strings.CutPrefix(name, "#1/"); ok {
		// BSD ar stores long names at the start of the member data.
		nameLen, err := strconv.Atoi(rest)
		if err != nil || nameLen < 0 || int64(nameLen) > size || nameLen > 4096 {
			return "", 0, nil, fmt.Errorf("bad ar long name %q", name)
		}
		buf := make([]byte, nameLen)
		if _, err := io.ReadFull(a.r, buf); err != nil {
			return "", 0, nil, fmt.Errorf("read ar long name: %w", noEOF(err))
		}
		name = strings.TrimRight(string(buf), "\x00")
		size -= int64(nameLen)
	} else if name != "/" && name != "//" {
		// GNU ar terminates names with a slash.
		name = strings.TrimSuffix(name, "/")
	}
	a.unread = size
	return name, size, &arMemberReader{a: a}, nil
}

// arMemberReader reads the data of the current member.
type arMemberReader struct {
	a *arReader
}

func (m *arMemberReader) Read(p []byte) (int, error) {
	a := m.a
	if a.unread <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > a.unread {
		p = p[:a.unread]
	}
	n, err := a.r.Read(p)
	a.unread -= int64(n)
	if err == io.EOF {
		if a.unread > 0 {
			return n, io.ErrUnexpectedEOF
		}
		err = nil
	}
	return n, err
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF for reads that must succeed.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
