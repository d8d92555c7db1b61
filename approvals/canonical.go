package approvals

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// maxDepth bounds the nesting of JSON values decodeStrict accepts.
const maxDepth = 200

// ErrBadJSON reports JSON that Canonical or LoadPolicy refuses.
var ErrBadJSON = errors.New("approvals: bad JSON")

// Canonical parses JSON and re-encodes it in a canonical form: object keys
// sorted, no insignificant whitespace, numbers kept exactly as written
// (json.Number, so 1 and 1.0 differ), strings re-escaped the same way.
// Two inputs that differ only in key order or whitespace give the same
// bytes; any difference in a value gives different bytes.
//
// Input that a tool could read in more than one way is refused with an
// error wrapping ErrBadJSON: invalid UTF-8, an object with a duplicate key,
// trailing data after the value, or nesting deeper than 200 levels. Empty
// input (or only whitespace) stands for a call without arguments and is
// encoded as null.
func Canonical(args []byte) ([]byte, error) {
	if len(bytes.TrimSpace(args)) == 0 {
		return []byte("null"), nil
	}
	v, err := decodeStrict(args)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadJSON, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// decodeStrict decodes one JSON value into nil, bool, json.Number,
// string, []any and map[string]any, refusing what Canonical refuses.
func decodeStrict(data []byte) (any, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: invalid UTF-8", ErrBadJSON)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: trailing data after the value", ErrBadJSON)
	}
	return v, nil
}

// decodeValue decodes the next value from dec.
func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d levels", ErrBadJSON, maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("%w: %w", ErrBadJSON, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return decodeObject(dec, depth)
		case '[':
			return decodeArray(dec, depth)
		}
		return nil, fmt.Errorf("%w: unexpected %s", ErrBadJSON, t)
	default:
		return t, nil
	}
}

// decodeObject decodes the members of an object whose '{' was read.
func decodeObject(dec *json.Decoder, depth int) (any, error) {
	obj := make(map[string]any)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadJSON, err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("%w: object key is not a string", ErrBadJSON)
		}
		if _, dup := obj[key]; dup {
			return nil, fmt.Errorf("%w: duplicate key %s", ErrBadJSON, quote(key))
		}
		v, err := decodeValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		obj[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadJSON, err)
	}
	return obj, nil
}

// decodeArray decodes the elements of an array whose '[' was read.
func decodeArray(dec *json.Decoder, depth int) (any, error) {
	arr := []any{}
	for dec.More() {
		v, err := decodeValue(dec, depth+1)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadJSON, err)
	}
	return arr, nil
}
