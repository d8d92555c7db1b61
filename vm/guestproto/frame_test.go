package guestproto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
)

func frame(n uint32, body []byte) []byte {
	b := make([]byte, 4, 4+len(body))
	binary.BigEndian.PutUint32(b, n)
	return append(b, body...)
}

func TestReadFrameRejectsMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"zero length", frame(0, nil)},
		{"over max", frame(MaxFrame+1, []byte("M"))},
		{"max uint32", frame(^uint32(0), []byte("M"))},
		{"truncated header", []byte{0, 0}},
		{"truncated body", frame(10, []byte("M{}"))},
		{"unknown kind", frame(3, []byte("X{}"))},
		{"end with body", frame(2, []byte("Zx"))},
	}
	for _, tt := range tests {
		_, _, err := ReadFrame(bytes.NewReader(tt.in))
		if !errors.Is(err, ErrFrame) {
			t.Errorf("%s: err = %v, want ErrFrame", tt.name, err)
		}
	}
	if _, _, err := ReadFrame(bytes.NewReader(nil)); err != io.EOF {
		t.Errorf("empty stream: err = %v, want io.EOF", err)
	}
}

func TestMessageRoundTripIsStrict(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMessage(&buf, PingArgs{Payload: "hi"}); err != nil {
		t.Fatal(err)
	}
	var got PingArgs
	if err := ReadMessage(&buf, &got); err != nil || got.Payload != "hi" {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	for _, body := range []string{
		`{"payload":"x","extra":1}`, // unknown field
		`{"payload":"x"} {}`,        // trailing data
		`{"payload":`,               // truncated
		`{"payload":1}`,             // wrong type
	} {
		buf.Reset()
		WriteFrame(&buf, KindMessage, []byte(body))
		if err := ReadMessage(&buf, &got); !errors.Is(err, ErrFrame) {
			t.Errorf("%s: err = %v, want ErrFrame", body, err)
		}
	}
	buf.Reset()
	WriteFrame(&buf, KindData, []byte("raw"))
	if err := ReadMessage(&buf, &got); !errors.Is(err, ErrFrame) {
		t.Errorf("data frame read as message: err = %v", err)
	}
}

func TestDataRoundTripAndLimit(t *testing.T) {
	payload := strings.Repeat("0123456789", 100_000) // 1 MB: several chunks
	var buf bytes.Buffer
	n, err := WriteData(&buf, strings.NewReader(payload))
	if err != nil || n != int64(len(payload)) {
		t.Fatalf("WriteData = %d, %v", n, err)
	}
	wire := buf.Bytes()
	var out bytes.Buffer
	if n, err := ReadData(bytes.NewReader(wire), &out, int64(len(payload))); err != nil || n != int64(len(payload)) || out.String() != payload {
		t.Fatalf("ReadData = %d, %v", n, err)
	}
	out.Reset()
	_, err = ReadData(bytes.NewReader(wire), &out, 1000)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("over limit: err = %v, want ErrTooLarge", err)
	}
	if out.Len() > 1000 {
		t.Errorf("ReadData buffered %d bytes past a limit of 1000", out.Len())
	}
	// A payload cut off before its end frame is an error, not a short file.
	_, err = ReadData(bytes.NewReader(wire[:len(wire)-5]), io.Discard, 1<<30)
	if !errors.Is(err, ErrFrame) {
		t.Errorf("payload without end frame: err = %v, want ErrFrame", err)
	}
}

func TestErrorValidateAndIs(t *testing.T) {
	e := &Error{Code: CodeNotFound, Message: "x"}
	if !errors.Is(e, ErrNotFound) || errors.Is(e, ErrExists) {
		t.Error("errors.Is does not match by code")
	}
	if err := e.Validate(); err != nil {
		t.Error(err)
	}
	if err := (&Error{Code: "made_up"}).Validate(); !errors.Is(err, ErrFrame) {
		t.Errorf("unknown code accepted: %v", err)
	}
	if err := (&Error{Code: CodeInternal, Message: strings.Repeat("x", MaxErrorMessage+1)}).Validate(); !errors.Is(err, ErrFrame) {
		t.Errorf("oversized message accepted: %v", err)
	}
}

func TestMAC(t *testing.T) {
	mac := ComputeMAC("token", "nonce")
	if !CheckMAC("token", "nonce", mac) || CheckMAC("other", "nonce", mac) || CheckMAC("token", "nonce2", mac) {
		t.Error("MAC check wrong")
	}
}

// FuzzReadFrame feeds arbitrary bytes to the frame and message decoders:
// they must never panic, never return a body over the limit, and never
// accept an unknown kind.
func FuzzReadFrame(f *testing.F) {
	var seed bytes.Buffer
	WriteMessage(&seed, Response{Result: []byte(`{"size":3}`), Data: true})
	WriteData(&seed, strings.NewReader("abc"))
	f.Add(seed.Bytes())
	f.Add(frame(0, nil))
	f.Add(frame(5, []byte("M{}")))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		for {
			kind, body, err := ReadFrame(r)
			if err != nil {
				return
			}
			if len(body)+1 > MaxFrame {
				t.Fatalf("body of %d bytes accepted", len(body))
			}
			if kind != KindMessage && kind != KindData && kind != KindEnd {
				t.Fatalf("kind %q accepted", kind)
			}
		}
	})
}

// FuzzDecodeResponse decodes arbitrary message bodies as a Response and a
// HelloReply: no panics, and a decoded error always validates or is
// rejected.
func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"error":{"code":"not_found","message":"x"}}`))
	f.Add([]byte(`{"result":{"size":1},"data":true}`))
	f.Add([]byte(`{"version":1,"agentVersion":"x","kernel":"k","mounts":[{"name":"a","readOnly":true}],"bootMillis":1,"mac":"00"}`))
	f.Add([]byte(strings.Repeat("[", 100000)))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Response
		if Decode(body, &r) == nil && r.Error != nil {
			_ = r.Error.Validate()
		}
		var h HelloReply
		_ = Decode(body, &h)
	})
}
