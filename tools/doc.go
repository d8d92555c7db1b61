// Package tools is airlock's tool catalog and the pipeline every tool call
// goes through:
//
//	bind + validate arguments -> resolve host paths to (mount, relative path)
//	-> approval hook -> guest call inside the session's VM
//	-> classifier hook -> audit hook -> result
//
// Handlers are thin: they translate arguments into guest operations and
// guest answers into text and structured content. Everything else is the
// shared pipeline in this package.
//
// # What it protects
//
// Tool paths are host paths the user knows; Resolve maps them lexically
// onto the mounted folders and rejects everything else before the guest
// sees it. The guest enforces the same boundary again with os.Root, and
// the hypervisor enforces read-only mounts a third time. Error text shown
// to the model is generated here from stable error codes, never taken
// verbatim from the guest.
//
// # What it does not protect
//
// A tool the policy allows does what it says inside a read-write mount.
// Approvals, the classifier and the audit log plug into the hooks.
package tools
