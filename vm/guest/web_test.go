package guest

import (
	"encoding/base64"
	"testing"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func TestSlicePagesByCharacters(t *testing.T) {
	md := "héllo wörld, ünïcode text" // multi-byte characters
	p := &guestproto.PageResult{Markdown: md, TotalLength: 25}
	first := slice(p, 0, 10, 5000)
	if first.Markdown != "héllo wörl" || first.NextIndex != 10 || first.StartIndex != 0 {
		t.Errorf("first = %q next %d", first.Markdown, first.NextIndex)
	}
	rest := slice(p, 10, 100, 5000)
	if rest.Markdown != "d, ünïcode text" || rest.NextIndex != 0 {
		t.Errorf("rest = %q next %d", rest.Markdown, rest.NextIndex)
	}
	if past := slice(p, 99, 10, 5000); past.Markdown != "" || past.NextIndex != 0 || past.StartIndex != 25 {
		t.Errorf("past the end = %+v", past)
	}
	if neg := slice(p, -5, 0, 3); neg.Markdown != "hél" || neg.NextIndex != 3 {
		t.Errorf("negative start, default length = %q next %d", neg.Markdown, neg.NextIndex)
	}
	if p.Markdown != md {
		t.Error("slice changed the stored page")
	}
}

func TestCallIDFromProxyAuthorization(t *testing.T) {
	enc := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	for h, want := range map[string]string{
		enc("call:ABC123"):  "ABC123",
		enc("user:ABC123"):  "",
		enc("call"):         "",
		"Bearer xyz":        "",
		"Basic !!!":         "",
		"":                  "",
		enc("call:a:b"):     "a:b",
		" " + enc("call:x"): "",
	} {
		if got := callIDFrom(h); got != want {
			t.Errorf("callIDFrom(%q) = %q, want %q", h, got, want)
		}
	}
}
