package approvals

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestRequestedSchema(t *testing.T) {
	got, err := json.Marshal(RequestedSchema())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"properties":{"decision":{"enum":["allow_once","allow_session","deny"],"enumNames":["Allow once","Allow for this session","Deny"],"title":"Decision","type":"string"}},"required":["decision"],"type":"object"}`
	if string(got) != want {
		t.Errorf("schema\n got %s\nwant %s", got, want)
	}
	// Each call returns a fresh map.
	RequestedSchema()["type"] = "array"
	if RequestedSchema()["type"] != "object" {
		t.Error("RequestedSchema shares its map")
	}
}

func TestParseAnswer(t *testing.T) {
	good := map[string]Choice{"allow_once": AllowOnce, "allow_session": AllowSession, "deny": DenyChoice}
	for s, want := range good {
		got, err := ParseAnswer(map[string]any{"decision": s})
		if err != nil || got != want {
			t.Errorf("ParseAnswer(%q) = %q, %v", s, got, err)
		}
		got, err = ParseAnswer(json.RawMessage(`{"decision":"` + s + `"}`))
		if err != nil || got != want {
			t.Errorf("ParseAnswer(raw %q) = %q, %v", s, got, err)
		}
	}
	bad := []struct {
		name    string
		content any
	}{
		{"nil", nil},
		{"missing", map[string]any{}},
		{"other key", map[string]any{"choice": "allow_once"}},
		{"extra key", map[string]any{"decision": "allow_once", "note": "ok"}},
		{"extra key nil", map[string]any{"decision": "allow_once", "x": nil}},
		{"wrong type bool", map[string]any{"decision": true}},
		{"wrong type number", map[string]any{"decision": 1.0}},
		{"wrong type array", map[string]any{"decision": []any{"allow_once"}}},
		{"unknown value", map[string]any{"decision": "allow_forever"}},
		{"case", map[string]any{"decision": "Allow_Once"}},
		{"space", map[string]any{"decision": "allow_once "}},
		{"title not value", map[string]any{"decision": "Allow once"}},
		{"empty", map[string]any{"decision": ""}},
		{"string content", "allow_once"},
		{"typed map", map[string]string{"decision": "allow_once"}},
		{"array", []any{map[string]any{"decision": "allow_once"}}},
		{"raw duplicate", json.RawMessage(`{"decision":"deny","decision":"allow_once"}`)},
		{"raw trailing", []byte(`{"decision":"deny"} {}`)},
		{"raw array", []byte(`["allow_once"]`)},
		{"raw null", json.RawMessage(`null`)},
		{"raw extra", json.RawMessage(`{"decision":"deny","x":1}`)},
		{"raw invalid", json.RawMessage(`{"decision":`)},
	}
	for _, tt := range bad {
		got, err := ParseAnswer(tt.content)
		if !errors.Is(err, ErrBadAnswer) || got != "" {
			t.Errorf("%s: ParseAnswer = %q, %v; want ErrBadAnswer", tt.name, got, err)
		}
	}
}
