// Package guestproto is the wire protocol between the airlock host and the
// guest agent that runs as PID 1 inside each sandbox VM. It holds only
// message types, framing and limits, and imports nothing but the standard
// library, so both sides (and fuzzers) can use it without pulling in host
// code.
//
// # Shape
//
// The channel is one byte stream per VM (virtio-serial or vsock). It starts
// with a handshake in plain frames:
//
//	host  -> guest: Hello{Version, Nonce}
//	guest -> host:  HelloReply{Version, AgentVersion, Mounts, MAC}
//
// where MAC is HMAC-SHA256(token, nonce) and token is a per-VM secret the
// host passed on the kernel command line. After the handshake the stream is
// multiplexed (yamux; see packages guest and guestclient): the host opens one
// stream per call, writes a Request, and reads a Response, optionally
// followed by data chunks. Closing the stream cancels the call.
//
// The guest opens streams of one kind only: OpDial, for each connection
// its egress proxy makes (see web.go). The host answers with a Response
// and, if it allowed the connection, relays the stream's bytes to the
// destination; it answers every such stream, so a refused guest never
// waits.
//
// # Frames
//
// A frame is a 4-byte big-endian length followed by that many bytes; the
// first byte of the body is the frame kind (KindMessage, KindData,
// KindEnd). Message bodies are JSON, decoded strictly (unknown fields and
// trailing data are errors). Frame bodies are limited to MaxFrame bytes.
//
// # Trust
//
// The host treats everything the guest sends as hostile: sizes are bounded
// before allocation, JSON is decoded strictly, and no path or size taken
// from a reply is trusted without a check by the caller. FuzzReadFrame and
// FuzzDecodeResponse exercise the decoders.
package guestproto
