package webpage

import (
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
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

// hostilePages are inputs built to hit the limits: deep or wide nesting,
// formatting elements the HTML parser reconstructs, huge stylesheets and
// attributes, markup-heavy text. Each is cut by MaxInput or MaxTags.
func hostilePages() map[string][]byte {
	var formatting strings.Builder
	for i := range 400 {
		fmt.Fprintf(&formatting, "<b id=%d>", i)
	}
	formatting.WriteString(strings.Repeat("<p>x</p>", 100_000))
	return map[string][]byte{
		"formatting": []byte(formatting.String()),
		"tables":     []byte(strings.Repeat("<table><tr><td>", 60_000)),
		"spans":      []byte(strings.Repeat("<span style='color:red'>", 190_000)),
		"quotes":     []byte(strings.Repeat("<blockquote>", 190_000)),
		"css": []byte("<style>" + strings.Repeat(".a{display:none}@media (min-width:1px){", 100_000) + "</style>" +
			strings.Repeat("<p class=a>x</p>", 50_000)),
		"links": []byte(strings.Repeat("<a href=/x>y</a>", 60_000)),
		"text":  []byte(strings.Repeat("a_*[b] ", 700_000)),
		"class": []byte("<div class='" + strings.Repeat("a ", 2_000_000) + "'>x</div>"),
	}
}

// BenchmarkParseHostile parses each hostile page.
func BenchmarkParseHostile(b *testing.B) {
	pages := hostilePages()
	for _, name := range slices.Sorted(maps.Keys(pages)) {
		page := pages[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				Parse(page, "text/html", testBase, Options{})
			}
		})
	}
}
