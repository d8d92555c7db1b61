package classifier

import "testing"

func TestLangBanksComplete(t *testing.T) {
	for lang, b := range langs {
		for name, xs := range map[string][]string{"addressee": b.addressee, "override": b.override, "task": b.task,
			"secrecy": b.secrecy, "send": b.send, "neutral": b.neutral, "human": b.human} {
			if len(xs) == 0 {
				t.Errorf("%s: empty %s bank", lang, name)
			}
		}
	}
	if len(langs) != 8 {
		t.Errorf("%d languages, want 8", len(langs))
	}
}
