package approvals

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Choice is the answer the user gave to an approval prompt.
type Choice string

// The possible answers.
const (
	// AllowOnce allows this one call.
	AllowOnce Choice = "allow_once"
	// AllowSession allows this call and, for the rest of the session,
	// calls of the same kinds.
	AllowSession Choice = "allow_session"
	// DenyChoice refuses the call.
	DenyChoice Choice = "deny"
)

// decisionKey is the one property of the elicitation form.
const decisionKey = "decision"

// ErrBadAnswer reports elicitation content that is not exactly a valid
// decision.
var ErrBadAnswer = errors.New("approvals: bad approval answer")

// RequestedSchema returns the form-mode elicitation schema: a flat object
// with one required string property, "decision", whose value is one of the
// Choice constants. Each call returns a new map.
func RequestedSchema() map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			decisionKey: map[string]any{
				"type":      "string",
				"title":     "Decision",
				"enum":      []any{string(AllowOnce), string(AllowSession), string(DenyChoice)},
				"enumNames": []any{"Allow once", "Allow for this session", "Deny"},
			},
		},
		"required": []any{decisionKey},
	}
}

// ParseAnswer checks the content of an accepted elicitation response and
// returns the choice. The content must be an object with exactly one key,
// "decision", whose value is the string of one of the Choice constants,
// spelled exactly. It may be given decoded (map[string]any, as
// encoding/json produces) or raw (json.RawMessage or []byte, in which case
// duplicate keys and trailing data are refused too). Anything else,
// including nil, is an error wrapping ErrBadAnswer.
//
// Only an "accept" action carries content. A "decline" or "cancel" action,
// a timeout or a transport error is a denial, and the caller must not call
// ParseAnswer for it.
func ParseAnswer(content any) (Choice, error) {
	switch raw := content.(type) {
	case json.RawMessage:
		return parseRawAnswer(raw)
	case []byte:
		return parseRawAnswer(raw)
	}
	obj, ok := content.(map[string]any)
	if !ok {
		return "", fmt.Errorf("%w: content is %s, not an object", ErrBadAnswer, typeName(content))
	}
	if len(obj) != 1 {
		return "", fmt.Errorf("%w: want exactly the %q key, got %d keys", ErrBadAnswer, decisionKey, len(obj))
	}
	v, ok := obj[decisionKey]
	if !ok {
		return "", fmt.Errorf("%w: missing %q", ErrBadAnswer, decisionKey)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: %q is %s, not a string", ErrBadAnswer, decisionKey, typeName(v))
	}
	switch c := Choice(s); c {
	case AllowOnce, AllowSession, DenyChoice:
		return c, nil
	}
	return "", fmt.Errorf("%w: unknown decision %s", ErrBadAnswer, quote(s))
}

// parseRawAnswer decodes raw JSON strictly and checks it as ParseAnswer
// does.
func parseRawAnswer(raw []byte) (Choice, error) {
	v, err := decodeStrict(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadAnswer, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return "", fmt.Errorf("%w: content is %s, not an object", ErrBadAnswer, typeName(v))
	}
	return ParseAnswer(v)
}

// typeName names the JSON type of a decoded value, for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
