package webpage

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		mt, body string
		want     kind
	}{
		{"text/html", "", kindHTML},
		{"application/xhtml+xml", "", kindHTML},
		{"application/json", "x", kindJSON},
		{"application/ld+json", "x", kindJSON},
		{"text/markdown", "", kindMarkdown},
		{"text/plain", "<html>", kindText},
		{"text/csv", "a,b", kindCode},
		{"application/javascript", "x", kindCode},
		{"application/rss+xml", "<rss/>", kindCode},
		{"", "  <!DOCTYPE html><p>", kindHTML},
		{"", "\xEF\xBB\xBF<html>", kindHTML},
		{"", `{"a":1}`, kindJSON},
		{"", `{"a":`, kindText},
		{"", "hello", kindText},
		{"", "\x00\x01", kindBinary},
		{"image/png", "\x89PNG\x00", kindBinary},
		{"image/svg", "<svg>", kindText},
		{"application/octet-stream", strings.Repeat("\x01", 10) + strings.Repeat("a", 100), kindBinary},
		{"application/octet-stream", "\xFF\xFEa\x00", kindText},
	} {
		if got := classify(c.mt, []byte(c.body)); got != c.want {
			t.Errorf("classify(%q, %q) = %v, want %v", c.mt, c.body, got, c.want)
		}
	}
}

func TestIndentJSON(t *testing.T) {
	got := indentJSON(`{"a" : [ ], "b":{"c":"\"}{,:"} , "d":[1, {}]}`, 1<<20)
	want := "{\n  \"a\": [],\n  \"b\": {\n    \"c\": \"\\\"}{,:\"\n  },\n  \"d\": [\n    1,\n    {}\n  ]\n}"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	deep := strings.Repeat("[", 1000) + strings.Repeat("]", 1000)
	if got := indentJSON(deep, 1<<20); len(got) > 2000*(2*maxIndent+2) {
		t.Errorf("deep JSON indented to %d bytes", len(got))
	}
	if got := indentJSON(strings.Repeat(`[1,`, 1000)+"1"+strings.Repeat("]", 1000), 100); len(got) > 200 {
		t.Errorf("limit: %d bytes", len(got))
	}
}

func TestVisible(t *testing.T) {
	clean, tags := visible("a\u200bb\u00adc\U000E0001\U000E0048\U000E0069\U000E007Fd\U000E0100e\ufeff")
	if clean != "abcde" || tags != "Hi" {
		t.Errorf("visible = %q, %q", clean, tags)
	}
	if clean, tags := visible("plain"); clean != "plain" || tags != "" {
		t.Errorf("plain: %q %q", clean, tags)
	}
}

func TestCollapse(t *testing.T) {
	if got := collapse(" \t a \u00a0\n b\x01c\x7f "); got != "a bc" {
		t.Errorf("collapse = %q", got)
	}
}

func TestFence(t *testing.T) {
	if got := fence("a\n````\n", "go"); got != "`````go\na\n````\n`````" {
		t.Errorf("fence = %q", got)
	}
}

func TestTitleFromURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.com/":            "example.com",
		"https://example.com/a/b%20c.txt": "b c.txt",
		"https://example.com/dir/":        "dir",
		"https://example.com:8080":        "example.com",
	} {
		u, _ := testBase.Parse(in)
		if got := titleFromURL(u); got != want {
			t.Errorf("titleFromURL(%q) = %q, want %q", in, got, want)
		}
	}
	if titleFromURL(nil) != "" {
		t.Error("nil URL")
	}
}
