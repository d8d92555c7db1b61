package guestproto

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Frame kinds: the first byte of every frame body.
const (
	KindMessage byte = 'M' // a JSON message
	KindData    byte = 'D' // a chunk of binary payload
	KindEnd     byte = 'Z' // end of a binary payload; the body is empty
)

// Limits.
const (
	// MaxFrame bounds a frame body, kind byte included.
	MaxFrame = 1 << 20
	// MaxChunk bounds the payload of one data frame.
	MaxChunk = 256 << 10
)

// ErrFrame reports a malformed frame: a size out of range, an unknown kind,
// or a body that does not decode. A connection that produced one must be
// dropped.
var ErrFrame = errors.New("guestproto: malformed frame")

// WriteFrame writes one frame of the given kind.
func WriteFrame(w io.Writer, kind byte, body []byte) error {
	if len(body)+1 > MaxFrame {
		return fmt.Errorf("%w: body of %d bytes exceeds %d", ErrFrame, len(body), MaxFrame-1)
	}
	buf := make([]byte, 5+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)+1))
	buf[4] = kind
	copy(buf[5:], body)
	_, err := w.Write(buf)
	return err
}

// ReadFrame reads one frame and returns its kind and body. Bodies larger
// than MaxFrame, empty frames and unknown kinds are errors wrapping
// ErrFrame; a clean end of stream before the first byte is io.EOF.
func ReadFrame(r io.Reader) (kind byte, body []byte, err error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, nil, fmt.Errorf("%w: truncated header", ErrFrame)
		}
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > MaxFrame {
		return 0, nil, fmt.Errorf("%w: length %d out of range 1..%d", ErrFrame, n, MaxFrame)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, nil, fmt.Errorf("%w: truncated body", ErrFrame)
		}
		return 0, nil, err
	}
	switch buf[0] {
	case KindMessage, KindData:
	case KindEnd:
		if n != 1 {
			return 0, nil, fmt.Errorf("%w: end frame with a body", ErrFrame)
		}
	default:
		return 0, nil, fmt.Errorf("%w: unknown kind 0x%02x", ErrFrame, buf[0])
	}
	return buf[0], buf[1:], nil
}

// WriteMessage writes v as a JSON message frame.
func WriteMessage(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	return WriteFrame(w, KindMessage, b)
}

// ReadMessage reads one frame, which must be a message, and decodes it
// strictly into v.
func ReadMessage(r io.Reader, v any) error {
	kind, body, err := ReadFrame(r)
	if err != nil {
		return err
	}
	if kind != KindMessage {
		return fmt.Errorf("%w: want a message frame, got kind %q", ErrFrame, kind)
	}
	return Decode(body, v)
}

// Decode decodes one JSON value strictly: unknown fields and trailing data
// are errors wrapping ErrFrame.
func Decode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrFrame, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after message", ErrFrame)
	}
	return nil
}

// WriteData writes r as a sequence of data frames followed by an end frame.
// It returns the number of payload bytes written.
func WriteData(w io.Writer, r io.Reader) (int64, error) {
	buf := make([]byte, MaxChunk)
	var total int64
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if werr := WriteFrame(w, KindData, buf[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if errors.Is(err, io.EOF) {
			return total, WriteFrame(w, KindEnd, nil)
		}
		if err != nil {
			return total, err
		}
	}
}

// ErrTooLarge is returned by ReadData when the payload exceeds its limit.
var ErrTooLarge = errors.New("guestproto: payload exceeds limit")

// ReadData copies a payload (data frames up to an end frame) to w. It
// stops with an error wrapping ErrTooLarge as soon as more than limit bytes
// arrive, so a hostile peer cannot make the reader buffer without bound.
func ReadData(r io.Reader, w io.Writer, limit int64) (int64, error) {
	var total int64
	for {
		kind, body, err := ReadFrame(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return total, fmt.Errorf("%w: payload ended without an end frame", ErrFrame)
			}
			return total, err
		}
		switch kind {
		case KindEnd:
			return total, nil
		case KindData:
			if len(body) > MaxChunk {
				return total, fmt.Errorf("%w: chunk of %d bytes exceeds %d", ErrFrame, len(body), MaxChunk)
			}
			if total+int64(len(body)) > limit {
				return total, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
			}
			n, err := w.Write(body)
			total += int64(n)
			if err != nil {
				return total, err
			}
		default:
			return total, fmt.Errorf("%w: want a data or end frame, got kind %q", ErrFrame, kind)
		}
	}
}
