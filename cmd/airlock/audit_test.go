package main

import (
	"encoding/json"
	"testing"
)

func TestCompactEscapesFormatCharacters(t *testing.T) {
	raw, _ := json.Marshal(map[string]string{"path": "a\u202etxt.exe\u200b\nb"})
	got := compact(raw)
	want := `{"path":"a\u202etxt.exe\u200b\nb"}`
	if got != want {
		t.Errorf("compact = %s, want %s", got, want)
	}
}
