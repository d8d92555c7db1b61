package approvals

import (
	"errors"
	"fmt"
	"strings"
)

// Kind is a class of operation that may need approval.
type Kind string

// The kinds of operation a plan can contain.
const (
	// KindDelete removes a file or a directory tree.
	KindDelete Kind = "delete"
	// KindOverwrite replaces the whole content of an existing file.
	KindOverwrite Kind = "overwrite"
	// KindEdit changes part of an existing file.
	KindEdit Kind = "edit"
	// KindMove moves or renames a path.
	KindMove Kind = "move"
	// KindCopyOver copies onto a path that already exists.
	KindCopyOver Kind = "copy-over"
	// KindBulk marks a call that touches many files or many bytes.
	// Policy.Decide adds it on its own from the plan's totals.
	KindBulk Kind = "bulk"
	// KindWrite creates a new file. It is allowed by default.
	KindWrite Kind = "write"
	// KindSensitive marks a call that touches a sensitive path the policy
	// exempts from denial (Policy.AllowSensitive). Policy.Decide adds it
	// on its own.
	KindSensitive Kind = "sensitive"
)

// allKinds lists every kind in a fixed order, used for messages and for
// the "all" value of ParseApproveFlag.
var allKinds = []Kind{
	KindDelete, KindOverwrite, KindEdit, KindMove, KindCopyOver,
	KindBulk, KindWrite, KindSensitive,
}

// ErrUnknownKind reports a kind name that is not one of the Kind constants.
var ErrUnknownKind = errors.New("approvals: unknown kind")

// Kinds returns every kind, in a fixed order.
func Kinds() []Kind {
	return append([]Kind(nil), allKinds...)
}

// Valid reports whether k is one of the Kind constants.
func (k Kind) Valid() bool {
	for _, v := range allKinds {
		if k == v {
			return true
		}
	}
	return false
}

// validKindNames is the list shown in errors about unknown kinds.
func validKindNames() string {
	names := make([]string, len(allKinds))
	for i, k := range allKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// checkKinds returns an error wrapping ErrUnknownKind for the first kind
// in ks that is not valid; field names the list in the message.
func checkKinds(field string, ks []Kind) error {
	for _, k := range ks {
		if !k.Valid() {
			return fmt.Errorf("%w %s in %s (valid: %s)", ErrUnknownKind, quote(string(k)), field, validKindNames())
		}
	}
	return nil
}

// ParseApproveFlag parses the value of the --approve flag: a comma
// separated list of kind names such as "delete,overwrite". The word "all"
// stands for every kind. Names are matched case-insensitively and
// surrounding spaces are ignored; duplicates are dropped and the order of
// first appearance is kept. An empty string yields no kinds. An unknown or
// empty name is an error wrapping ErrUnknownKind that lists the valid
// names.
//
// Pre-approval never overrides a denial: a sensitive path stays denied
// whatever the flag says.
func ParseApproveFlag(s string) ([]Kind, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []Kind
	seen := make(map[Kind]bool)
	add := func(k Kind) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, part := range strings.Split(s, ",") {
		name := strings.ToLower(strings.TrimSpace(part))
		if name == "all" {
			for _, k := range allKinds {
				add(k)
			}
			continue
		}
		k := Kind(name)
		if !k.Valid() {
			return nil, fmt.Errorf("%w %s in --approve (valid: %s, all)", ErrUnknownKind, quote(part), validKindNames())
		}
		add(k)
	}
	return out, nil
}

// hasKind reports whether ks contains k.
func hasKind(ks []Kind, k Kind) bool {
	for _, v := range ks {
		if v == k {
			return true
		}
	}
	return false
}

// joinKinds renders kinds as "delete, bulk".
func joinKinds(ks []Kind) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = escape(string(k))
	}
	return strings.Join(names, ", ")
}
