// Package approvals decides which tool calls need the user's approval,
// renders the approval prompt, and keeps the server-side state that binds
// an answer to the one call it approves.
//
// # Flow
//
// A tool computes a Plan (what the call will do, with each affected path
// as the host sees it) and asks Policy.Decide. Allow runs the call, Deny
// refuses it, and Ask sends the user a form-mode elicitation whose message
// is Message(plan), with plan.Kinds set to Policy.Classify(plan), and whose
// schema is RequestedSchema(). When the answer is Ask and the client cannot
// elicit, the call is refused (Record.By is ByNoElicitation): approvals
// fail closed. Before asking, the server calls Store.Put, which returns an
// opaque state to send along (the MCP request state of a multi-round-trip
// input request). When the answer comes back, Store.Take with the same
// session, tool, arguments and state returns the approved plan exactly
// once, and ParseAnswer type-checks the answer. Just before executing, the
// tool recomputes the plan and compares Fingerprint values; any difference
// means the files changed, so it asks again. "Allow for this session" is
// kept in Grants for the kinds the user was shown (Policy.Asking). Every
// decision becomes a Record for the audit log.
//
// # Sensitive paths
//
// Policy.Sensitive and Policy.AllowSensitive hold path patterns. A
// pattern and a path are both split into components at "/"; empty and "."
// components are dropped, and the path is first cleaned lexically
// (path.Clean), so "a//b/./c" and "a/x/../b/c" both have the components a,
// b, c. Leading and trailing slashes in a pattern are ignored: patterns are
// never anchored, and ".ssh" and ".ssh/" mean the same. A pattern may not
// contain "..". Components are compared after case folding
// (strings.ToUpper then strings.ToLower, on both sides), and each pattern
// component may use the wildcards of path.Match (*, ?, [...]), which never
// cross a "/".
//
// A sensitive pattern of k components matches a path when
//
//  1. k consecutive components of the path match the pattern's components,
//     anywhere in the path: ".git/hooks/" matches "/r/.GIT/hooks/pre-commit"
//     and "/r/.git/hooks" itself, ".ssh/" matches "a/.ssh/id_rsa", but
//     ".git/hooks/" does not match "/r/notgit/hooks" and ".bashrc" does not
//     match "/r/old.bashrc"; or
//  2. the path's last components match the pattern's first components (a
//     proper leading part of it): ".git/hooks/" matches "/r/.git", because
//     creating, replacing or moving ".git" decides what ".git/hooks" holds.
//
// An allow pattern matches by rule 1 only, and exempts a sensitive match
// only when the run of components it matches contains the run the
// sensitive pattern matched. So ".vscode/settings.json" exempts
// "/r/.vscode/settings.json" but neither "/r/.vscode/tasks.json" nor
// "/r/.vscode" itself, and ".vscode/" does not exempt
// "/r/.vscode/.git/hooks/x". A path is denied when any sensitive match in it
// is not exempted. A path that matches only exempted patterns adds
// KindSensitive to the plan's kinds, which is asked about when listed in
// Policy.Ask (it is not by default).
//
// # What approvals protect against
//
// The adversary is the model driving the tools (hijacked by prompt
// injection, or just wrong), and anything that can put text in front of
// the user through it: file names, file content, the model's own prose.
//
//   - Silent destruction. Deletes, overwrites, edits, moves, copies over
//     existing files and bulk changes (more than Policy.BulkFiles files or
//     Policy.BulkBytes bytes, whatever the caller declared) are asked
//     about by default. Writes to places the host later runs or trusts
//     (git hooks and config, shell start-up files, editor, agent and MCP
//     configuration, credentials) are denied outright unless the policy
//     exempts them.
//   - Replayed, forged and unasked answers. An approval is valid only as
//     the state Store.Put issued, authenticated by an HMAC under a key
//     that lives in this process alone; it can be taken once, expires, and
//     does not survive a restart. Only the elicitation response counts:
//     text in a file, a web page or the chat saying "the user approved"
//     has no channel into this package, and answers are parsed strictly.
//   - Scope creep. The state is bound to a digest of (session, tool,
//     canonical arguments), so an approval cannot be spent on another
//     session, another tool, other arguments or a second call. Session
//     grants cover only the kinds the user was shown: allowing one
//     single-file delete for the session does not allow a bulk delete.
//     Each session may have only MaxPendingPerSession prompts pending,
//     which bounds approval floods.
//   - Spoofed prompts. The prompt holds server-computed facts; every path
//     and every piece of model text is quoted and escaped so newlines,
//     ANSI escapes, bidi controls and invisible characters are shown, not
//     obeyed, and the model's reason is labelled as its own words.
//   - Swaps between approval and execution. The plan records inode, size,
//     type, counts, modification time and optionally a content hash of each
//     path; a changed Fingerprint at execution time means ask again.
//
// # What approvals do not protect against
//
//   - A client that answers elicitations without asking a human (or that
//     misrepresents the prompt). The server cannot tell who clicked.
//   - A human who approves. An approved change is made; the journal and
//     rollback (package audit) are the remedy, not this package.
//   - Pre-approved kinds (--approve) and session grants, which the user
//     chose to give up asking for.
//   - A rewrite that keeps inode, size and modification time when the
//     caller leaves Item.Hash empty, and anything that changes between the
//     final Fingerprint check and the operation itself (the tool's own
//     confinement must hold there).
//   - Changes the plan does not describe. The tool must list every path it
//     affects; a path that is not in the plan is neither checked against
//     the sensitive list nor shown. In particular the contents of a
//     directory that is moved or copied are not matched against the
//     sensitive list, only its old and new paths.
//   - Right-to-left text in names. Bidi control characters are escaped,
//     but letters of right-to-left scripts are shown as they are and may
//     still reorder neighbouring punctuation on screen; each path is
//     quoted on a line of its own to limit the effect.
package approvals
