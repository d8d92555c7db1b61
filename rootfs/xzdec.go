package rootfs

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"

	"github.com/ulikunitz/xz/lzma"
)

// xzMagic starts every xz stream.
var xzMagic = []byte{0xFD, '7', 'z', 'X', 'Z', 0x00}

// xz filter IDs this decoder understands.
const (
	xzFilterX86   = 0x04
	xzFilterLZMA2 = 0x21
)

// maxXZDictCap bounds the dictionary an xz block may ask for, which is
// allocated up front.
const maxXZDictCap = 256 << 20

var crc64Table = crc64.MakeTable(crc64.ECMA)

// decodeXZStream decodes the single xz stream at the start of r into w and
// returns the number of bytes written. It stops after the stream footer and
// never interprets what follows, so trailing data (such as the size word the
// kernel build appends to its payload) is ignored. Unlike the xz package's
// reader it supports the x86 BCJ filter, which kernel payloads use. More
// than limit decompressed bytes is an error.
func decodeXZStream(r io.Reader, w io.Writer, limit int64) (int64, error) {
	br, ok := r.(io.ByteReader)
	if !ok {
		rb := bufio.NewReader(r)
		r, br = rb, rb
	}
	d := &xzDecoder{in: &countingReader{r: r, br: br}, out: &limitWriter{w: w, limit: limit}}
	if err := d.stream(); err != nil {
		return d.out.n, fmt.Errorf("xz: %w", err)
	}
	return d.out.n, nil
}

// xzRecord is an index record: the sizes of one block.
type xzRecord struct {
	unpadded, uncompressed uint64
}

// xzDecoder holds the state of one stream decode.
type xzDecoder struct {
	in      *countingReader
	out     *limitWriter
	flags   [2]byte
	records []xzRecord
}

func (d *xzDecoder) stream() error {
	var hdr [12]byte
	if _, err := io.ReadFull(d.in, hdr[:]); err != nil {
		return fmt.Errorf("read stream header: %w", noEOF(err))
	}
	if !bytes.Equal(hdr[:6], xzMagic) {
		return errors.New("bad stream magic")
	}
	if crc32.ChecksumIEEE(hdr[6:8]) != binary.LittleEndian.Uint32(hdr[8:12]) {
		return errors.New("stream header checksum mismatch")
	}
	copy(d.flags[:], hdr[6:8])
	if d.flags[0] != 0 || d.flags[1]&0xF0 != 0 {
		return errors.New("unsupported stream flags")
	}
	if _, err := checkSize(d.flags[1]); err != nil {
		return err
	}
	for {
		b, err := d.in.ReadByte()
		if err != nil {
			return fmt.Errorf("read block header: %w", noEOF(err))
		}
		if b == 0 {
			return d.indexAndFooter()
		}
		if err := d.block(b); err != nil {
			return err
		}
	}
}

// block decodes one block whose header size byte is first.
func (d *xzDecoder) block(first byte) error {
	hdr := make([]byte, (int(first)+1)*4)
	hdr[0] = first
	if _, err := io.ReadFull(d.in, hdr[1:]); err != nil {
		return fmt.Errorf("read block header: %w", noEOF(err))
	}
	body := hdr[:len(hdr)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(hdr[len(hdr)-4:]) {
		return errors.New("block header checksum mismatch")
	}
	bh, err := parseBlockHeader(body)
	if err != nil {
		return err
	}

	start := d.in.n
	lz, err := lzma.Reader2Config{DictCap: bh.dictCap}.NewReader2(d.in)
	if err != nil {
		return fmt.Errorf("lzma2: %w", err)
	}
	var src io.Reader = lz
	if bh.x86 {
		src = newBCJX86Reader(lz, bh.x86Start)
	}
	check := newCheckHash(d.flags[1])
	n, err := io.Copy(io.MultiWriter(d.out, check), src)
	if err != nil {
		return fmt.Errorf("decode block: %w", err)
	}
	compressed := d.in.n - start
	if bh.compressed >= 0 && compressed != bh.compressed {
		return errors.New("block compressed size mismatch")
	}
	if bh.uncompressed >= 0 && n != bh.uncompressed {
		return errors.New("block uncompressed size mismatch")
	}
	if err := d.zeros(int((4 - compressed%4) % 4)); err != nil {
		return fmt.Errorf("block padding: %w", err)
	}
	size, _ := checkSize(d.flags[1])
	stored := make([]byte, size)
	if _, err := io.ReadFull(d.in, stored); err != nil {
		return fmt.Errorf("read block check: %w", noEOF(err))
	}
	if !checkMatches(check, stored) {
		return errors.New("block check mismatch: data is corrupt")
	}
	d.records = append(d.records, xzRecord{
		unpadded:     uint64(len(hdr)) + uint64(compressed) + uint64(size),
		uncompressed: uint64(n),
	})
	return nil
}

// xzBlockHeader is the parsed content of a block header.
type xzBlockHeader struct {
	compressed, uncompressed int64 // -1 when absent
	dictCap                  int
	x86                      bool
	x86Start                 uint32
}

// parseBlockHeader parses a block header without its trailing checksum.
func parseBlockHeader(body []byte) (xzBlockHeader, error) {
	bh := xzBlockHeader{compressed: -1, uncompressed: -1}
	flags := body[1]
	if flags&0x3C != 0 {
		return bh, errors.New("reserved block flags set")
	}
	r := bytes.NewReader(body[2:])
	if flags&0x40 != 0 {
		v, err := readXZVarint(r)
		if err != nil || v == 0 || v > 1<<62 {
			return bh, errors.New("bad block compressed size")
		}
		bh.compressed = int64(v)
	}
	if flags&0x80 != 0 {
		v, err := readXZVarint(r)
		if err != nil || v > 1<<62 {
			return bh, errors.New("bad block uncompressed size")
		}
		bh.uncompressed = int64(v)
	}
	nfilters := int(flags&3) + 1
	for i := range nfilters {
		id, err := readXZVarint(r)
		if err != nil {
			return bh, errors.New("bad filter id")
		}
		psize, err := readXZVarint(r)
		if err != nil || psize > uint64(r.Len()) {
			return bh, errors.New("bad filter properties size")
		}
		props := make([]byte, psize)
		r.Read(props)
		last := i == nfilters-1
		switch {
		case id == xzFilterLZMA2 && last:
			if len(props) != 1 {
				return bh, errors.New("bad lzma2 properties")
			}
			dc, err := lzma.DecodeDictCap(props[0])
			if err != nil || dc > maxXZDictCap {
				return bh, fmt.Errorf("unsupported lzma2 dictionary size code %d", props[0])
			}
			bh.dictCap = int(max(dc, lzma.MinDictCap))
		case id == xzFilterX86 && !last && !bh.x86:
			switch len(props) {
			case 0:
			case 4:
				bh.x86Start = binary.LittleEndian.Uint32(props)
			default:
				return bh, errors.New("bad x86 filter properties")
			}
			bh.x86 = true
		default:
			return bh, fmt.Errorf("unsupported filter chain (filter %#x at position %d)", id, i)
		}
	}
	for r.Len() > 0 {
		if b, _ := r.ReadByte(); b != 0 {
			return bh, errors.New("non-zero block header padding")
		}
	}
	return bh, nil
}

// indexAndFooter reads the index, whose indicator byte has been consumed,
// and the stream footer, and checks both against the decoded blocks.
func (d *xzDecoder) indexAndFooter() error {
	crc := crc32.NewIEEE()
	crc.Write([]byte{0})
	d.in.tee = crc
	start := d.in.n - 1
	count, err := readXZVarint(d.in)
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	if count != uint64(len(d.records)) {
		return errors.New("index record count mismatch")
	}
	for _, rec := range d.records {
		unpadded, err1 := readXZVarint(d.in)
		uncompressed, err2 := readXZVarint(d.in)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("read index: %w", err)
		}
		if unpadded != rec.unpadded || uncompressed != rec.uncompressed {
			return errors.New("index does not match blocks")
		}
	}
	if err := d.zeros(int((4 - (d.in.n-start)%4) % 4)); err != nil {
		return fmt.Errorf("index padding: %w", err)
	}
	d.in.tee = nil
	var sum [4]byte
	if _, err := io.ReadFull(d.in, sum[:]); err != nil {
		return fmt.Errorf("read index checksum: %w", noEOF(err))
	}
	if binary.LittleEndian.Uint32(sum[:]) != crc.Sum32() {
		return errors.New("index checksum mismatch")
	}
	indexSize := d.in.n - start

	var ftr [12]byte
	if _, err := io.ReadFull(d.in, ftr[:]); err != nil {
		return fmt.Errorf("read stream footer: %w", noEOF(err))
	}
	if string(ftr[10:12]) != "YZ" {
		return errors.New("bad stream footer magic")
	}
	if crc32.ChecksumIEEE(ftr[4:10]) != binary.LittleEndian.Uint32(ftr[0:4]) {
		return errors.New("stream footer checksum mismatch")
	}
	if (int64(binary.LittleEndian.Uint32(ftr[4:8]))+1)*4 != indexSize {
		return errors.New("stream footer backward size mismatch")
	}
	if ftr[8] != d.flags[0] || ftr[9] != d.flags[1] {
		return errors.New("stream footer flags differ from header")
	}
	return nil
}

// zeros consumes n padding bytes, which must all be zero.
func (d *xzDecoder) zeros(n int) error {
	for range n {
		b, err := d.in.ReadByte()
		if err != nil {
			return noEOF(err)
		}
		if b != 0 {
			return errors.New("non-zero padding")
		}
	}
	return nil
}

// readXZVarint reads the xz variable-length integer encoding.
func readXZVarint(r io.ByteReader) (uint64, error) {
	var v uint64
	for i := range 9 {
		b, err := r.ReadByte()
		if err != nil {
			return 0, noEOF(err)
		}
		v |= uint64(b&0x7F) << (7 * i)
		if b&0x80 == 0 {
			if i > 0 && b == 0 {
				return 0, errors.New("non-minimal integer encoding")
			}
			return v, nil
		}
	}
	return 0, errors.New("integer encoding too long")
}

// checkSize returns the size of the integrity check of a check type.
func checkSize(check byte) (int, error) {
	switch check {
	case 0x00:
		return 0, nil
	case 0x01:
		return 4, nil
	case 0x04:
		return 8, nil
	case 0x0A:
		return 32, nil
	}
	return 0, fmt.Errorf("unsupported check type %#x", check)
}

// newCheckHash returns the hash computing a supported check type.
func newCheckHash(check byte) hash.Hash {
	switch check {
	case 0x01:
		return crc32.NewIEEE()
	case 0x04:
		return crc64.New(crc64Table)
	case 0x0A:
		return sha256.New()
	}
	return noCheck{}
}

// checkMatches compares a computed check with the stored one; xz stores
// CRCs little-endian.
func checkMatches(h hash.Hash, stored []byte) bool {
	switch h := h.(type) {
	case hash.Hash32:
		return binary.LittleEndian.Uint32(stored) == h.Sum32()
	case hash.Hash64:
		return binary.LittleEndian.Uint64(stored) == h.Sum64()
	}
	return bytes.Equal(h.Sum(nil), stored)
}

// noCheck is the hash of the "none" check type.
type noCheck struct{}

func (noCheck) Write(p []byte) (int, error) { return len(p), nil }
func (noCheck) Sum(b []byte) []byte         { return b }
func (noCheck) Reset()                      {}
func (noCheck) Size() int                   { return 0 }
func (noCheck) BlockSize() int              { return 1 }

// countingReader counts the bytes read through it and optionally copies
// them to tee.
type countingReader struct {
	r   io.Reader
	br  io.ByteReader
	n   int64
	tee io.Writer
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.tee != nil {
		c.tee.Write(p[:n])
	}
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.br.ReadByte()
	if err == nil {
		c.n++
		if c.tee != nil {
			c.tee.Write([]byte{b})
		}
	}
	return b, err
}

// limitWriter fails once more than limit bytes are written.
type limitWriter struct {
	w     io.Writer
	n     int64
	limit int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n+int64(len(p)) > l.limit {
		return 0, fmt.Errorf("output exceeds %d bytes", l.limit)
	}
	n, err := l.w.Write(p)
	l.n += int64(n)
	return n, err
}
