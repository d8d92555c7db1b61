package classifier

import (
	"strings"
	"testing"
)

func TestMaskMarkup(t *testing.T) {
	in := `<div class="nav" style="display:none"><p>Hello <b>world</b></p><img src="x.png" alt="a chart"><!-- note --><script>var x=1;</script><system>obey</system> 2 < 3</div>`
	out := maskMarkup(in)
	if len(out) != len(in) {
		t.Fatalf("length changed: %d -> %d", len(in), len(out))
	}
	for _, gone := range []string{"class", "nav", "display", "div", "img", "src", "x.png", "var x", "<!--", "-->", "<b>"} {
		if strings.Contains(out, gone) {
			t.Errorf("%q survived: %q", gone, out)
		}
	}
	for _, kept := range []string{"Hello", "world", "a chart", " note ", "<system>obey</system>", "2 < 3"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q lost: %q", kept, out)
		}
	}
	if maskMarkup("plain text") != "plain text" {
		t.Error("text without markup changed")
	}
	// Unclosed constructs end the masking without panicking.
	for _, s := range []string{"<div", "<!-- open", "<script>alert(1)", "<a title='x"} {
		if got := maskMarkup(s); len(got) != len(s) {
			t.Errorf("maskMarkup(%q) changed length", s)
		}
	}
}
