// Package audit keeps, per session, a hash-chained audit log of everything
// airlock did on the user's behalf and a journal of pre-images that lets the
// user roll file changes back.
//
// # Layout
//
// Each session lives in <stateDir>/sessions/<sessionID>/:
//
//	audit.jsonl             one JSON record per line, hash-chained (see Record)
//	journal/entries.jsonl   one line per journaled operation, also chained
//	journal/objects/<hex>   pre-image contents, named by their SHA-256
//
// # Canonical record encoding
//
// A log line is the JSON object
//
//	{"seq":N,"time":"<RFC 3339, nanoseconds, UTC>","type":"...","data":{...},"prev":"<hex>","hash":"<hex>"}
//
// with the keys in exactly that order, no insignificant whitespace, strings
// escaped as encoding/json escapes them (including <, > and & as \u003c,
// \u003e and \u0026), and data in compact form. "prev" is the hex SHA-256 of
// the previous line's bytes without its newline (64 zeros for seq 1). "hash"
// is the hex SHA-256 of the same line with the `,"hash":"..."` member removed,
// that is of the bytes `{"seq":...,"prev":"..."}`. Verification re-encodes
// every parsed line and requires the stored bytes to be identical, so any
// non-canonical spelling of the same values is reported as well.
//
// # Threat model
//
// What the log and the journal provide:
//
//   - Tamper evidence. Editing, inserting, deleting or reordering a record
//     breaks the chain at that record, and Verify reports the first bad line.
//     The journal is chained the same way, and pre-images are content
//     addressed, so a swapped object is detected when it is verified or
//     restored.
//   - Crash consistency. Every record and journal line is fsynced before
//     Append, Before or Commit returns, and pre-images are made durable
//     (temporary file, fsync, rename, directory fsync) before Before returns,
//     so the caller may only touch the user's files once the way back is on
//     disk. A crash in the middle of an append leaves at most a torn last
//     line, which Verify reports as a truncated tail, not as tampering, and
//     which Open discards (it was never acknowledged).
//   - Recoverable pre-images. Files up to a size limit are kept verbatim;
//     larger files are recorded as "too large", and rollback refuses to touch
//     them rather than guess. Rollback never clobbers a path whose current
//     state differs from what the session left behind unless forced, and it
//     never removes anything the journal does not account for.
//   - Containment. All access to the user's folders goes through os.Root, so
//     neither capture nor rollback can be steered outside a mount by a
//     symbolic link; links are recorded and restored as links.
//
// What they do not provide:
//
//   - Protection against an attacker who can write to the state directory.
//     Such an attacker can rewrite a whole log or journal consistently,
//     including every hash, or cut records off the end. Only a copy of the
//     head hash (Log.Head, VerifyResult.Head) kept somewhere the attacker
//     cannot write, and compared later, detects that.
//   - Secrecy. The log is readable by anyone who can read the state
//     directory (files are created mode 0600). It records paths, sizes and
//     hashes but never file contents: callers must not put contents into
//     record data. Pre-images are, by necessity, plain copies of the user's
//     files.
//   - Authenticity of what the guest claims. The journal records what the
//     host saw on disk before and after an operation, not what the agent in
//     the VM said it did.
//   - Rollback of anything outside the journaled paths: changes the user made
//     by hand, file owners, extended attributes, hard-link structure and the
//     times of symbolic links are not restored.
package audit
