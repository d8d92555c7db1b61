package webpage

import "testing"

func TestMDWriter(t *testing.T) {
	w := &mdWriter{limit: 1 << 20}
	w.block(2) // nothing written yet: no leading break
	w.text("  a  ")
	w.text(" b")
	w.block(1)
	w.block(2)
	w.push("> ", "> ")
	w.block(2) // absorbed: the quote's first line
	w.text("q1")
	w.lineBreak()
	w.text("q2")
	w.block(2)
	w.push("- ", "  ")
	w.text("item")
	w.block(2)
	w.text("more")
	w.pop()
	w.settle(1)
	w.pop()
	w.block(2)
	w.literal("**x**")
	w.text("y ")
	w.block(2)
	if got, want := w.String(), "a b\n\n> q1\n> q2\n>\n> - item\n>\n>   more\n\n**x**y"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}

	in := &mdWriter{inline: true, limit: 100}
	in.text("  lead ")
	in.block(2)
	in.text("x_y")
	in.lineBreak()
	in.text("z ")
	if in.String() != "lead x_y z" || !in.lead || !in.space || in.plain.String() != "lead x_y z" {
		t.Errorf("inline: %q lead %v trail %v plain %q", in.String(), in.lead, in.space, in.plain.String())
	}

	full := &mdWriter{limit: 5}
	full.text("abcdefgh")
	if full.String() != "abcde" || !full.full() {
		t.Errorf("limit: %q", full.String())
	}
}

func TestEscapeText(t *testing.T) {
	for in, want := range map[string]string{
		"a_b _c_ d_":    "a_b \\_c\\_ d\\_",
		"*[x]*":         "\\*\\[x\\]\\*",
		"<b> a<1 </":    "\\<b> a<1 \\</",
		"`code`":        "\\`code\\`",
		"# in brackets": "# in brackets",
		"x|y":           "x|y",
	} {
		if got := escapeText(in); got != want {
			t.Errorf("escapeText(%q) = %q, want %q", in, got, want)
		}
	}
}
