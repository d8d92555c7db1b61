package rootfs

import (
	"encoding/binary"
	"io"
)

// bcjX86 is the decoder of the xz x86 branch/call/jump filter, which the
// kernel build applies before LZMA2 to make call and jump targets more
// compressible. It is a port of the reference decoder.
type bcjX86 struct {
	pos      uint32 // stream position of the next unfiltered byte
	prevMask uint32 // which of the last three bytes were E8/E9 opcodes
}

var (
	bcjMaskAllowed = [8]bool{true, true, true, false, true, false, false, false}
	bcjMaskBitNum  = [8]int{0, 1, 2, 2, 3, 3, 3, 3}
)

// bcjTestMSByte reports whether b is 0x00 or 0xFF, the most significant
// byte of a plausible relative branch target.
func bcjTestMSByte(b byte) bool {
	return b == 0x00 || b == 0xFF
}

// filter decodes buf in place and returns how many leading bytes are final.
// The remaining bytes (at most a few) must be passed again, followed by more
// data, in the next call; at the end of the stream they are left as they
// are.
func (s *bcjX86) filter(buf []byte) int {
	if len(buf) <= 4 {
		return 0
	}
	size := len(buf) - 4
	prevPos := -1
	prevMask := s.prevMask
	i := 0
	for ; i < size; i++ {
		if buf[i]&0xFE != 0xE8 {
			continue
		}
		d := i - prevPos
		if d > 3 {
			prevMask = 0
		} else {
			prevMask = (prevMask << (d - 1)) & 7
			if prevMask != 0 {
				b := buf[i+4-bcjMaskBitNum[prevMask]]
				if !bcjMaskAllowed[prevMask] || bcjTestMSByte(b) {
					prevPos = i
					prevMask = prevMask<<1 | 1
					continue
				}
			}
		}
		prevPos = i
		if !bcjTestMSByte(buf[i+4]) {
			prevMask = prevMask<<1 | 1
			continue
		}
		src := binary.LittleEndian.Uint32(buf[i+1:])
		var dest uint32
		for {
			dest = src - (s.pos + uint32(i) + 5)
			if prevMask == 0 {
				break
			}
			j := bcjMaskBitNum[prevMask] * 8
			if !bcjTestMSByte(byte(dest >> (24 - j))) {
				break
			}
			src = dest ^ (1<<(32-j) - 1)
		}
		dest &= 0x01FFFFFF
		dest |= 0 - (dest & 0x01000000)
		binary.LittleEndian.PutUint32(buf[i+1:], dest)
		i += 4
	}
	if d := i - prevPos; d > 3 {
		s.prevMask = 0
	} else {
		s.prevMask = prevMask << (d - 1)
	}
	s.pos += uint32(i)
	return i
}

// bcjX86Reader applies the x86 BCJ decoder to a stream.
type bcjX86Reader struct {
	r        io.Reader
	s        bcjX86
	buf      []byte
	start    int // buf[start:filtered] is decoded and not yet returned
	filtered int
	end      int // buf[filtered:end] is read but not decoded yet
	err      error
}

// newBCJX86Reader returns a reader decoding r, whose first byte is at
// stream position start.
func newBCJX86Reader(r io.Reader, start uint32) *bcjX86Reader {
	return &bcjX86Reader{r: r, s: bcjX86{pos: start}, buf: make([]byte, 64<<10)}
}

func (b *bcjX86Reader) Read(p []byte) (int, error) {
	for {
		if b.start < b.filtered {
			n := copy(p, b.buf[b.start:b.filtered])
			b.start += n
			return n, nil
		}
		if b.err != nil {
			if b.err == io.EOF && b.filtered < b.end {
				// The last bytes of the stream cannot hold a complete
				// instruction and pass through unchanged.
				b.filtered = b.end
				continue
			}
			return 0, b.err
		}
		copy(b.buf, b.buf[b.start:b.end])
		b.end -= b.start
		b.start, b.filtered = 0, 0
		n, err := b.r.Read(b.buf[b.end:])
		b.end += n
		if err != nil {
			b.err = err
		}
		b.filtered = b.s.filter(b.buf[:b.end])
	}
}
