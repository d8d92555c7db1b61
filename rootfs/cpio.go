package rootfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Mode type bits of cpio entries (the st_mode values, not Go's).
const (
	cpioTypeDir  = 0o040000
	cpioTypeReg  = 0o100000
	cpioTypeChar = 0o020000
)

// cpioTrailer names the entry that ends a cpio archive.
const cpioTrailer = "TRAILER!!!"

// cpioHeaderSize is the size of a newc header.
const cpioHeaderSize = 110

// cpioWriter writes a "newc" (SVR4, magic 070701) cpio archive, the format
// the kernel unpacks as initramfs. For reproducibility every entry has
// mtime 0, uid and gid 0, and inode numbers are assigned in order.
type cpioWriter struct {
	w      io.Writer
	ino    uint32
	err    error
	closed bool
}

// newCPIOWriter returns a writer appending an archive to w.
func newCPIOWriter(w io.Writer) *cpioWriter {
	return &cpioWriter{w: w}
}

// cpioEntry is the metadata of one archive entry.
type cpioEntry struct {
	name         string
	mode         uint32 // type bits and permissions
	size         int64
	nlink        uint32
	rmaj, rminor uint32
}

// dir adds a directory.
func (c *cpioWriter) dir(name string, perm fs.FileMode) error {
	return c.entry(cpioEntry{name: name, mode: cpioTypeDir | permBits(perm), nlink: 2}, nil)
}

// file adds a regular file of size bytes read from r.
func (c *cpioWriter) file(name string, perm fs.FileMode, size int64, r io.Reader) error {
	return c.entry(cpioEntry{name: name, mode: cpioTypeReg | permBits(perm), size: size, nlink: 1}, r)
}

// charDevice adds a character device node.
func (c *cpioWriter) charDevice(name string, perm fs.FileMode, major, minor uint32) error {
	return c.entry(cpioEntry{name: name, mode: cpioTypeChar | permBits(perm), nlink: 1, rmaj: major, rminor: minor}, nil)
}

// close writes the trailer. It does not close the underlying writer.
func (c *cpioWriter) close() error {
	if c.err != nil {
		return c.err
	}
	if err := c.write(cpioEntry{name: cpioTrailer, nlink: 1}, 0, nil); err != nil {
		return err
	}
	c.closed = true
	return nil
}

// permBits converts Go permission and special bits to st_mode bits.
func permBits(perm fs.FileMode) uint32 {
	m := uint32(perm.Perm())
	if perm&fs.ModeSticky != 0 {
		m |= 0o1000
	}
	if perm&fs.ModeSetgid != 0 {
		m |= 0o2000
	}
	if perm&fs.ModeSetuid != 0 {
		m |= 0o4000
	}
	return m
}

// entry validates the name and writes one entry.
func (c *cpioWriter) entry(e cpioEntry, r io.Reader) error {
	if c.err != nil {
		return c.err
	}
	if c.closed {
		return errors.New("cpio: write after close")
	}
	name := strings.TrimPrefix(e.name, "/")
	if name == "" || name != path.Clean(name) || name == ".." || strings.HasPrefix(name, "../") || name == cpioTrailer {
		return fmt.Errorf("cpio: invalid entry name %q", e.name)
	}
	if e.size < 0 || e.size > 0xFFFFFFFF {
		return fmt.Errorf("cpio: %s: size %d out of range", name, e.size)
	}
	e.name = name
	c.ino++
	if err := c.write(e, c.ino, r); err != nil {
		c.err = err
		return err
	}
	return nil
}

// write emits a header, the padded name and the padded data.
func (c *cpioWriter) write(e cpioEntry, ino uint32, r io.Reader) error {
	nameSize := len(e.name) + 1
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, e.mode, 0, 0, e.nlink, 0, uint32(e.size), 0, 0, e.rmaj, e.rminor, nameSize, 0)
	buf := make([]byte, 0, cpioHeaderSize+nameSize+3)
	buf = append(buf, hdr...)
	buf = append(buf, e.name...)
	buf = append(buf, 0)
	buf = append(buf, make([]byte, pad4(len(buf)))...)
	if _, err := c.w.Write(buf); err != nil {
		return fmt.Errorf("cpio: write %s: %w", e.name, err)
	}
	if e.size > 0 {
		n, err := io.Copy(c.w, io.LimitReader(r, e.size))
		if err != nil {
			return fmt.Errorf("cpio: write %s: %w", e.name, err)
		}
		if n != e.size {
			return fmt.Errorf("cpio: %s: got %d bytes, want %d", e.name, n, e.size)
		}
		if _, err := c.w.Write(make([]byte, pad4(int(e.size%4)))); err != nil {
			return fmt.Errorf("cpio: write %s: %w", e.name, err)
		}
	}
	return nil
}

// pad4 returns how many bytes bring n to a multiple of four.
func pad4(n int) int {
	return (4 - n%4) % 4
}

// cpioFile is a regular file found in a newc archive.
type cpioFile struct {
	name   string
	mode   uint32 // st_mode: type bits and permissions
	offset int64  // where its content starts in the archive
	size   int64
}

// maxCPIONameSize bounds the length of an entry name read from an archive.
const maxCPIONameSize = 4096

// readCPIOFiles lists the regular files of the newc archive in r, size
// bytes long, up to the trailer. It reads only headers and names; the
// content of a file is at [offset, offset+size) in r.
func readCPIOFiles(r io.ReaderAt, size int64) ([]cpioFile, error) {
	var files []cpioFile
	var hdr [cpioHeaderSize]byte
	for off := int64(0); ; {
		if off+cpioHeaderSize > size {
			return nil, fmt.Errorf("cpio: truncated archive: no trailer after %d bytes", off)
		}
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return nil, fmt.Errorf("cpio: read header at %d: %w", off, err)
		}
		if m := string(hdr[:6]); m != "070701" && m != "070702" {
			return nil, fmt.Errorf("cpio: bad magic %q at %d (not a newc archive)", m, off)
		}
		var field [13]uint32
		for i := range field {
			v, err := strconv.ParseUint(string(hdr[6+8*i:14+8*i]), 16, 32)
			if err != nil {
				return nil, fmt.Errorf("cpio: bad header field at %d: %w", off, err)
			}
			field[i] = uint32(v)
		}
		mode, fileSize, nameSize := field[1], int64(field[6]), int64(field[11])
		if nameSize < 1 || nameSize > maxCPIONameSize {
			return nil, fmt.Errorf("cpio: entry at %d has a name of %d bytes", off, nameSize)
		}
		nameBuf := make([]byte, nameSize)
		if _, err := r.ReadAt(nameBuf, off+cpioHeaderSize); err != nil {
			return nil, fmt.Errorf("cpio: read name at %d: %w", off, err)
		}
		if nameBuf[nameSize-1] != 0 {
			return nil, fmt.Errorf("cpio: entry name at %d is not NUL-terminated", off)
		}
		name := string(nameBuf[:nameSize-1])
		data := off + cpioHeaderSize + nameSize
		data += int64(pad4(int(data % 4)))
		if data+fileSize > size {
			return nil, fmt.Errorf("cpio: %s: %d bytes of content run past the end of the archive", name, fileSize)
		}
		if name == cpioTrailer {
			return files, nil
		}
		if mode&0o170000 == cpioTypeReg {
			files = append(files, cpioFile{name: name, mode: mode, offset: data, size: fileSize})
		}
		off = data + fileSize
		off += int64(pad4(int(off % 4)))
	}
}
