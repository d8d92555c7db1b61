package approvals

import "fmt"

// InjectionMode says what a session does with a tool result that the
// prompt-injection classifier flags.
type InjectionMode string

// Injection modes. The zero value means InjectionAnnotate.
const (
	// InjectionAnnotate shows the content with a warning before it and the
	// verdict in the result's _meta.
	InjectionAnnotate InjectionMode = "annotate"
	// InjectionRedact replaces the spans the classifier located with a
	// marker; when it located none, the whole content is replaced.
	InjectionRedact InjectionMode = "redact"
	// InjectionQuarantine withholds the content until the user approves
	// releasing it to the model (through elicitation); without an answer,
	// or from a client that cannot ask, the content stays withheld.
	InjectionQuarantine InjectionMode = "quarantine"
)

// ParseInjectionMode checks a mode name; "" means annotate.
func ParseInjectionMode(s string) (InjectionMode, error) {
	switch m := InjectionMode(s); m {
	case "":
		return InjectionAnnotate, nil
	case InjectionAnnotate, InjectionRedact, InjectionQuarantine:
		return m, nil
	}
	return "", fmt.Errorf("%w: injection mode %q: want annotate, redact or quarantine", ErrInvalidPolicy, s)
}

// InjectionModeOf returns p's injection mode, annotate when unset.
func (p Policy) InjectionModeOf() InjectionMode {
	if p.Injection == "" {
		return InjectionAnnotate
	}
	return p.Injection
}
