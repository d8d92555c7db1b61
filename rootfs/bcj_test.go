package rootfs

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
)

// encodeBCJX86 is the encoder matching bcjX86.filter, used only to test
// that decoding inverts it. It mirrors the decoder with the direction of
// the conversion swapped.
func encodeBCJX86(buf []byte) {
	s := bcjX86{}
	if len(buf) <= 4 {
		return
	}
	size := len(buf) - 4
	prevPos := -1
	prevMask := s.prevMask
	for i := 0; i < size; i++ {
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
		src := uint32(buf[i+1]) | uint32(buf[i+2])<<8 | uint32(buf[i+3])<<16 | uint32(buf[i+4])<<24
		var dest uint32
		for {
			dest = src + (uint32(i) + 5)
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
		buf[i+1], buf[i+2], buf[i+3], buf[i+4] = byte(dest), byte(dest>>8), byte(dest>>16), byte(dest>>24)
		i += 4
	}
}

func TestBCJX86ReaderInvertsEncoder(t *testing.T) {
	orig := x86ish(100_000)
	enc := bytes.Clone(orig)
	encodeBCJX86(enc)
	if bytes.Equal(enc, orig) {
		t.Fatal("encoder changed nothing; test data has no branches")
	}
	readers := map[string]io.Reader{
		"whole":    bytes.NewReader(enc),
		"one byte": iotest.OneByteReader(bytes.NewReader(enc)),
		"half":     iotest.HalfReader(bytes.NewReader(enc)),
	}
	for name, r := range readers {
		got, err := io.ReadAll(newBCJX86Reader(r, 0))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, orig) {
			t.Errorf("%s: decoded data differs", name)
		}
	}
}

func TestBCJX86ReaderShortAndErrors(t *testing.T) {
	got, err := io.ReadAll(newBCJX86Reader(bytes.NewReader([]byte{0xE8, 1, 2}), 0))
	if err != nil || !bytes.Equal(got, []byte{0xE8, 1, 2}) {
		t.Errorf("short input: got %x, %v", got, err)
	}
	_, err = io.ReadAll(newBCJX86Reader(iotest.ErrReader(io.ErrClosedPipe), 0))
	if err != io.ErrClosedPipe {
		t.Errorf("got %v, want the reader's error", err)
	}
}
