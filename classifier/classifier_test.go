package classifier

import "testing"

func TestSanitizeKeepsCleanContent(t *testing.T) {
	s := "plain <b>text</b> with no tricks"
	if got, removed := Sanitize(s, HTML); got != s || removed != nil {
		t.Fatalf("Sanitize changed clean input: %q %v", got, removed)
	}
}

func TestStripInvisibleOffsets(t *testing.T) {
	s := "a\u200bbc\u200bd"
	inv := findInvisible(s)
	text, off := stripInvisible(s, inv)
	if text != "abcd" || len(off) != len(text)+1 || s[off[1]] != 'b' || off[len(off)-1] != len(s) {
		t.Fatalf("text %q off %v", text, off)
	}
}
