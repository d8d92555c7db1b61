package webpage

import (
	"maps"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestReadMeta(t *testing.T) {
	for _, c := range []struct {
		name, html, title, lang, base string
		meta                          map[string]string
	}{
		{
			name:  "ranked keys",
			html:  `<html lang="fr-CA"><head><meta property="og:description" content="og"><meta name="description" content=" name &amp; more "><meta name="twitter:description" content="tw"><meta property="og:title" content="OG T"><title> The   Title </title></head></html>`,
			title: "The Title", lang: "fr-CA", base: testBase.String(),
			meta: map[string]string{"description": "name & more", "og:title": "OG T"},
		},
		{
			name:  "og:title fallback and dates",
			html:  `<meta property="og:title" content="OG"><meta itemprop="datePublished" content="2020"><meta property="article:published_time" content="2021"><meta property="article:modified_time" content="2022"><h1>H</h1>`,
			title: "OG", base: testBase.String(),
			meta: map[string]string{"og:title": "OG", "published": "2021", "modified": "2022"},
		},
		{
			name:  "h1 fallback skips hidden",
			html:  `<h1 hidden>Secret</h1><h1>Visible <b>one</b></h1>`,
			title: "Visible one", base: testBase.String(), meta: map[string]string{},
		},
		{
			name:  "svg title is not the title",
			html:  `<svg><title>icon</title></svg><p>x</p>`,
			title: "", base: testBase.String(), meta: map[string]string{},
		},
		{
			name: "urls resolved against base href",
			html: `<base href="/docs/"><link rel="Canonical alternate" href="page"><meta property="og:image" content="img.png">`,
			base: "https://example.com/docs/",
			meta: map[string]string{"canonical": "https://example.com/docs/page", "og:image": "https://example.com/docs/img.png"},
		},
		{
			name:  "hostile values",
			html:  `<html lang="en<script>"><title>` + strings.Repeat("t", 600) + `</title><meta name="author" content="a` + "\u200b" + `b">`,
			title: strings.Repeat("t", maxMeta) + "…", lang: "enscript", base: testBase.String(),
			meta: map[string]string{"author": "ab"},
		},
		{
			name: "unsafe base ignored",
			html: `<base href="javascript:x"><base href="mailto:a@b.example">`,
			base: testBase.String(), meta: map[string]string{},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(c.html))
			if err != nil {
				t.Fatal(err)
			}
			hidden, _ := findHidden(doc, newSheet())
			m := readMeta(doc, testBase, hidden)
			if m.title != c.title || m.lang != c.lang || m.base.String() != c.base {
				t.Errorf("title %q lang %q base %q", m.title, m.lang, m.base)
			}
			if !maps.Equal(m.meta, c.meta) {
				t.Errorf("meta %v, want %v", m.meta, c.meta)
			}
		})
	}
}
