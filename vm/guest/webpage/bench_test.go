package webpage

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
)

// benchPage builds a realistic page of about size bytes: the article
// fixture with its body repeated, a long navigation menu, inline styles
// and a comment thread.
func benchPage(tb testing.TB, size int) []byte {
	tb.Helper()
	fixture, err := os.ReadFile("testdata/article.html")
	if err != nil {
		tb.Fatal(err)
	}
	page := string(fixture)
	start := strings.Index(page, `<h2 id="basics">`)
	end := strings.Index(page, `<div class="promo-box">`)
	section := page[start:end]
	var nav strings.Builder
	for i := range 150 {
		fmt.Fprintf(&nav, `<li class="menu-item"><a href="/topics/%d" style="color:#333">Topic %d</a></li>`, i, i)
	}
	page = strings.Replace(page, `<li><a href="/about">About</a></li>`, nav.String(), 1)
	var comments strings.Builder
	for i := range 40 {
		fmt.Fprintf(&comments, `<div class="comment" id="c%d"><p><b>reader%d</b> wrote: I liked the part about capacity, thanks for writing it up.</p></div>`, i, i)
	}
	page = strings.Replace(page, `<div class="comment"><p>Great article, thanks!</p></div>`, comments.String(), 1)
	var body strings.Builder
	for i := 0; len(page)+body.Len() < size; i++ {
		body.WriteString(strings.ReplaceAll(section, `id="basics"`, fmt.Sprintf(`id="basics-%d"`, i)))
	}
	return []byte(strings.Replace(page, `<div class="promo-box">`, body.String()+`<div class="promo-box">`, 1))
}

// BenchmarkParse parses a realistic 200 KB article page.
func BenchmarkParse(b *testing.B) {
	page := benchPage(b, 200<<10)
	base, _ := url.Parse("https://example.com/blog/post.html")
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(page, "text/html; charset=utf-8", base, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseRaw converts the same page whole.
func BenchmarkParseRaw(b *testing.B) {
	page := benchPage(b, 200<<10)
	base, _ := url.Parse("https://example.com/blog/post.html")
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(page, "text/html; charset=utf-8", base, Options{Raw: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDeep parses 100,000 nested divs: the simplified parser's
// path.
func BenchmarkParseDeep(b *testing.B) {
	page := []byte(strings.Repeat("<div>", 100_000) + "text" + strings.Repeat("</div>", 100_000))
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(page, "text/html", nil, Options{})
	}
}
