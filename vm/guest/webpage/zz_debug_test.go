package webpage

import (
	"fmt"
	"net/url"
	"os"
	"testing"
)

func TestDebugDump(t *testing.T) {
	f := os.Getenv("WP_FILE")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	u, _ := url.Parse("https://example.com/blog/post.html")
	ct := os.Getenv("WP_CT")
	if ct == "" {
		ct = "text/html"
	}
	p, err := Parse(b, ct, u, Options{Raw: os.Getenv("WP_RAW") != ""})
	if err != nil {
		fmt.Println("ERR", err)
		return
	}
	fmt.Printf("Title: %q Lang: %q\nMeta: %v\nNotes: %q\n---\n%s\n---\n", p.Title, p.Lang, p.Meta, p.Notes, p.Markdown)
	for _, l := range p.Links {
		fmt.Printf("[%d] %q %s\n", l.N, l.Text, l.URL)
	}
	for _, h := range p.Hidden {
		fmt.Printf("HIDDEN %s: %q\n", h.Reason, h.Text)
	}
}
