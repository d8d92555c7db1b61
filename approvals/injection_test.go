package approvals

import (
	"errors"
	"testing"
)

func TestInjectionMode(t *testing.T) {
	if m := DefaultPolicy().InjectionModeOf(); m != InjectionAnnotate {
		t.Errorf("default mode %q, want annotate", m)
	}
	if m := (Policy{}).InjectionModeOf(); m != InjectionAnnotate {
		t.Errorf("zero policy mode %q, want annotate", m)
	}
	p, err := LoadPolicy(writePolicy(t, `{"injection":"quarantine"}`))
	if err != nil || p.InjectionModeOf() != InjectionQuarantine {
		t.Fatalf("LoadPolicy quarantine: %q, %v", p.Injection, err)
	}
	if _, err := LoadPolicy(writePolicy(t, `{"injection":"shred"}`)); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("bad mode: err = %v, want ErrInvalidPolicy", err)
	}
	for _, s := range []string{"", "annotate", "redact", "quarantine"} {
		if _, err := ParseInjectionMode(s); err != nil {
			t.Errorf("ParseInjectionMode(%q): %v", s, err)
		}
	}
	if _, err := ParseInjectionMode("Redact"); err == nil {
		t.Error("mode names are exact")
	}
}
