package mcp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/mark3labs/mcp-go/server"
)

// tokenKey carries the authenticated token's identity in a request ctx.
type tokenKey struct{}

// TokenID is the identity of a bearer token in logs and session keys: a
// hash prefix, never the token itself.
func TokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "token-" + hex.EncodeToString(sum[:6])
}

// HTTPHandler returns the Streamable HTTP handler at /mcp, behind
// authentication and Origin checks. ctx bounds the idle-sandbox reaper.
func (s *Server) HTTPHandler(ctx context.Context, token string) http.Handler {
	go s.reapIdle(ctx)
	h := server.NewStreamableHTTPServer(s.mcp,
		server.WithEndpointPath("/mcp"),
		server.WithStateful(true),
		server.WithSessionIdleTTL(s.cfg.IdleTTL),
		server.WithStreamableHTTPLogger(s.log.With("component", "mcp-http")),
		server.WithHTTPContextFunc(func(ctx context.Context, r *http.Request) context.Context {
			return context.WithValue(ctx, tokenKey{}, TokenID(token))
		}),
	)
	mux := http.NewServeMux()
	mux.Handle("/mcp", guard(token, h))
	return mux
}

// guard rejects a foreign Origin with 403 and a missing or wrong bearer
// token with 401, before mcp-go sees the request.
func guard(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && !loopbackOrigin(o) {
			http.Error(w, "forbidden: cross-origin requests are not allowed", http.StatusForbidden)
			return
		}
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="airlock"`)
			http.Error(w, "unauthorized: send Authorization: Bearer <token>", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackOrigin reports whether an Origin header names this machine
// (http or https on localhost, 127.0.0.0/8 or ::1, any port).
func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || (u.Path != "" && u.Path != "/") {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
