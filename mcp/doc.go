// Package mcp wires airlock to the Model Context Protocol with
// github.com/mark3labs/mcp-go: the server and its tool handlers, the stdio
// and Streamable HTTP transports, and the registry that gives every
// session its own sandbox VM.
//
// # Sessions and sandboxes
//
// Over stdio, one process is one client is one sandbox. Over HTTP, legacy
// clients (protocol 2025-11-25) are keyed by their Mcp-Session-Id; modern
// clients (2026-07-28) have no protocol session, so their sandbox is keyed
// by the bearer token they authenticated with. A sandbox's VM boots on
// first use (or is taken from the warm pool) and stops when the session
// ends: stdio EOF, HTTP DELETE, idle timeout, or server shutdown.
//
// # What it protects
//
// The HTTP transport listens on loopback unless told otherwise, requires a
// bearer token on every request (compared in constant time), and rejects
// requests whose Origin is not a loopback origin with 403, so a web page
// in the user's browser cannot drive the server. Nothing but MCP messages
// is written to stdout.
//
// # What it does not protect
//
// Anyone holding the token is the user as far as airlock is concerned;
// the token is shown once on stderr (or read from a file) and should be
// kept like a password. TLS is not provided: keep the listener on
// loopback or put it behind a TLS proxy.
package mcp
