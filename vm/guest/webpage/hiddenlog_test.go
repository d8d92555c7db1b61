package webpage

import (
	"strings"
	"testing"
)

func TestHiddenLog(t *testing.T) {
	var h hiddenLog
	h.add(ReasonComment, "  a \n b ")
	h.add(ReasonComment, "a b")  // repeat
	h.add(ReasonDisplay, "a b")  // other reason
	h.add(ReasonComment, " \n ") // empty
	h.add(ReasonComment, strings.Repeat("x", MaxHiddenText+10))
	if len(h.list) != 3 || h.list[0] != (Hidden{ReasonComment, "a b"}) || h.list[1] != (Hidden{ReasonDisplay, "a b"}) {
		t.Errorf("list = %q", h.list)
	}
	if n := len([]rune(h.list[2].Text)); n != MaxHiddenText+1 || !strings.HasSuffix(h.list[2].Text, "…") {
		t.Errorf("long text: %d runes", n)
	}
	for i := range MaxHidden + 5 {
		h.add(ReasonComment, strings.Repeat("y", i+1))
	}
	var p Page
	h.finish(&p)
	if len(p.Hidden) != MaxHidden || len(p.Notes) != 1 || p.Notes[0] != "8 more hidden texts not listed" {
		t.Errorf("len %d, notes %q", len(p.Hidden), p.Notes)
	}
	h = hiddenLog{}
	for i := 0; h.dropped == 0; i++ {
		h.add(ReasonComment, strings.Repeat("z", MaxHiddenText-3)+strings.Repeat("w", i%50)+string(rune('a'+i/50)))
	}
	if h.total > maxHiddenTotal {
		t.Errorf("total %d > %d", h.total, maxHiddenTotal)
	}
}

func TestRecordHidden(t *testing.T) {
	page := `<html><head><!-- head --><title>T</title></head><body>
<p>visible<!-- one --></p>
<div style="display:none">two <img alt="three"> <script>no()</script><div hidden>inner</div></div>
<noscript><p>four <b>five</b></p></noscript>
<input type="hidden" name="k" value="v"><input type="hidden" value="bare"><input value="shown">
<p aria-hidden="true">six` + tagged("TAG") + `</p>
</body></html>`
	doc := parseDOM(page, &Page{})
	hidden, _ := findHidden(doc, styles(doc))
	var h hiddenLog
	recordHidden(doc, hidden, &h)
	want := []Hidden{
		{ReasonComment, "head"},
		{ReasonComment, "one"},
		{ReasonDisplay, "two three inner"},
		{ReasonTemplate, "four five"},
		{ReasonInput, "k: v"},
		{ReasonInput, "bare"},
		{ReasonAria, "six"},
		{ReasonTagChars, "TAG"},
	}
	if len(h.list) != len(want) {
		t.Fatalf("got %q", h.list)
	}
	for i := range want {
		if h.list[i] != want[i] {
			t.Errorf("[%d] = %q, want %q", i, h.list[i], want[i])
		}
	}
}

func TestTextOfBounded(t *testing.T) {
	doc := parseDOM("<div>"+strings.Repeat("<p>word</p>", 10_000)+"</div>", &Page{})
	if got := textOf(doc, 100); len(got) > 4*100+20 {
		t.Errorf("textOf returned %d bytes", len(got))
	}
}
