package mcp

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) })
	h := guard("s3cret", ok)
	tests := []struct {
		name, origin, auth string
		want               int
	}{
		{"no token", "", "", 401},
		{"wrong token", "", "Bearer nope", 401},
		{"token without scheme", "", "s3cret", 401},
		{"right token", "", "Bearer s3cret", 299},
		{"loopback origin", "http://localhost:5173", "Bearer s3cret", 299},
		{"loopback ip origin", "http://127.0.0.1:8080", "Bearer s3cret", 299},
		{"ipv6 loopback origin", "http://[::1]:8080", "Bearer s3cret", 299},
		{"foreign origin", "https://evil.example", "Bearer s3cret", 403},
		{"null origin", "null", "Bearer s3cret", 403},
		{"lookalike origin", "http://127.0.0.1.evil.example", "Bearer s3cret", 403},
		{"localhost suffix", "http://localhost.evil.example", "Bearer s3cret", 403},
		{"userinfo origin", "http://evil.example@localhost", "Bearer s3cret", 403},
		{"foreign origin without token", "https://evil.example", "", 403},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/mcp", nil)
		if tt.origin != "" {
			r.Header.Set("Origin", tt.origin)
		}
		if tt.auth != "" {
			r.Header.Set("Authorization", tt.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, w.Code, tt.want)
		}
	}
}
