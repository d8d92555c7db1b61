package rootfs

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// arMember is one member of a test archive.
type arMember struct {
	name string
	data string
}

// buildAR returns an ar archive holding members, using GNU-style names (a
// trailing slash) when gnu is set.
func buildAR(t *testing.T, gnu bool, members ...arMember) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(arMagic)
	for _, m := range members {
		name := m.name
		if gnu {
			name += "/"
		}
		fmt.Fprintf(&b, "%-16s%-12s%-6s%-6s%-8s%-10d`\n", name, "0", "0", "0", "100644", len(m.data))
		b.WriteString(m.data)
		if len(m.data)%2 == 1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

func TestARReader(t *testing.T) {
	for _, gnu := range []bool{false, true} {
		members := []arMember{
			{"debian-binary", "2.0\n"},
			{"control.tar.gz", "odd"},
			{"data.tar.xz", strings.Repeat("x", 1001)},
			{"empty", ""},
		}
		ar, err := newARReader(bytes.NewReader(buildAR(t, gnu, members...)))
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range members {
			name, size, r, err := ar.next()
			if err != nil {
				t.Fatalf("member %d: %v", i, err)
			}
			if name != want.name || size != int64(len(want.data)) {
				t.Errorf("member %d: got %q (%d bytes), want %q (%d bytes)", i, name, size, want.name, len(want.data))
			}
			if i == 2 {
				// Leave this member unread: next must skip it.
				continue
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want.data {
				t.Errorf("member %q: got %q, want %q", want.name, got, want.data)
			}
		}
		if _, _, _, err := ar.next(); err != io.EOF {
			t.Errorf("after last member: got %v, want io.EOF", err)
		}
	}
}

func TestARReaderBSDLongName(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(arMagic)
	name := "a-rather-long-member-name.txt"
	data := "hello"
	fmt.Fprintf(&b, "%-16s%-12s%-6s%-6s%-8s%-10d`\n", fmt.Sprintf("#1/%d", len(name)), "0", "0", "0", "100644", len(name)+len(data))
	b.WriteString(name + data)
	ar, err := newARReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	got, size, r, err := ar.next()
	if err != nil {
		t.Fatal(err)
	}
	content, _ := io.ReadAll(r)
	if got != name || size != int64(len(data)) || string(content) != data {
		t.Errorf("got %q %d %q", got, size, content)
	}
}

func TestARReaderErrors(t *testing.T) {
	if _, err := newARReader(strings.NewReader("!<arch>")); err == nil {
		t.Error("short magic accepted")
	}
	if _, err := newARReader(strings.NewReader("not an archive at all")); err == nil {
		t.Error("bad magic accepted")
	}
	good := buildAR(t, false, arMember{"debian-binary", "2.0\n"})

	truncated := good[:len(good)-2]
	ar, err := newARReader(bytes.NewReader(truncated))
	if err != nil {
		t.Fatal(err)
	}
	_, _, r, err := ar.next()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); err != io.ErrUnexpectedEOF {
		t.Errorf("truncated member: got %v, want io.ErrUnexpectedEOF", err)
	}

	bad := bytes.Clone(good)
	bad[len(arMagic)+58] = 'X'
	ar, _ = newARReader(bytes.NewReader(bad))
	if _, _, _, err := ar.next(); err == nil {
		t.Error("bad header terminator accepted")
	}

	bad = bytes.Clone(good)
	copy(bad[len(arMagic)+48:], "-5        ")
	ar, _ = newARReader(bytes.NewReader(bad))
	if _, _, _, err := ar.next(); err == nil {
		t.Error("negative size accepted")
	}
}
