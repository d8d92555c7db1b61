package webpage

import (
	"slices"
	"testing"
)

func TestDecode(t *testing.T) {
	for _, c := range []struct {
		name, body, label string
		html              bool
		want              string
		notes             []string
	}{
		{name: "utf-8", body: "héllo", want: "héllo"},
		{name: "utf-8 BOM", body: "\xEF\xBB\xBFhi", label: "windows-1252", want: "hi"},
		{name: "windows-1252 label", body: "caf\xE9 \x80 \x96 \x9F", label: "Windows-1252", want: "café € – Ÿ", notes: []string{"charset windows-1252 converted"}},
		{name: "latin1 is windows-1252", body: "na\xEFve \x85", label: "ISO-8859-1", want: "naïve …", notes: []string{"charset windows-1252 converted"}},
		{name: "ascii label, ascii body", body: "plain", label: "us-ascii", want: "plain"},
		{name: "undefined 1252 bytes", body: "\x81\x8D", label: "cp1252", want: "\u0081\u008D", notes: []string{"charset windows-1252 converted"}},
		{name: "invalid utf-8 defaults to windows-1252", body: "caf\xE9", want: "café", notes: []string{"charset windows-1252 converted"}},
		{name: "invalid utf-8 with utf-8 label", body: "a\xFFb", label: "utf-8", want: "a\uFFFDb", notes: []string{"invalid UTF-8 replaced"}},
		{name: "meta charset", html: true, body: `<meta charset="windows-1252"><p>caf` + "\xE9", want: `<meta charset="windows-1252"><p>café`, notes: []string{"charset windows-1252 converted"}},
		{name: "meta http-equiv", html: true, body: `<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">` + "\xE9", want: `<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">é`, notes: []string{"charset windows-1252 converted"}},
		{name: "header beats meta", html: true, label: "utf-8", body: `<meta charset="windows-1252">é`, want: `<meta charset="windows-1252">é`},
		{name: "meta ignored for text", body: `<meta charset="windows-1252">é`, want: `<meta charset="windows-1252">é`},
		{name: "utf-16le BOM", body: "\xFF\xFEh\x00i\x00", want: "hi", notes: []string{"charset utf-16le converted"}},
		{name: "utf-16be BOM", body: "\xFE\xFF\x00h\x00i\xD8\x3D\xDE\x00", want: "hi😀", notes: []string{"charset utf-16be converted"}},
		{name: "utf-16 odd byte", body: "\xFF\xFEh\x00i", want: "h\uFFFD", notes: []string{"charset utf-16le converted"}},
		{name: "utf-16 label without BOM in HTML", html: true, body: "hi", label: "utf-16", want: "hi"},
		{name: "unsupported charset", body: "\xA4\xA4", label: "shift_jis", want: "\uFFFD", notes: []string{"charset shift_jis not supported: read as UTF-8", "invalid UTF-8 replaced"}},
		{name: "unsupported charset valid utf-8", body: "ok", label: "koi8-r", want: "ok", notes: []string{"charset koi8-r not supported: read as UTF-8"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p Page
			got := decode([]byte(c.body), c.label, c.html, &p)
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			if !slices.Equal(p.Notes, c.notes) {
				t.Errorf("notes %q, want %q", p.Notes, c.notes)
			}
		})
	}
}

// TestWindows1252Page goes through Parse: a Latin-1 page declared in
// the Content-Type header.
func TestWindows1252Page(t *testing.T) {
	body := []byte("<html><head><title>Caf\xE9</title></head><body><p>\x93Cr\xE8me br\xFBl\xE9e\x94 \x96 5 \x80</p></body></html>")
	p, err := Parse(body, "text/html; charset=iso-8859-1", nil, Options{Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Café" || p.Markdown != "“Crème brûlée” – 5 €" {
		t.Errorf("got %q, %q", p.Title, p.Markdown)
	}
	if !slices.Contains(p.Notes, "charset windows-1252 converted") {
		t.Errorf("notes %q", p.Notes)
	}
}
