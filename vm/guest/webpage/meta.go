package webpage

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// metaKeys maps <meta name|property|itemprop> values to Page.Meta keys,
// with a rank: a lower rank replaces a value of higher rank (name=
// description beats og:description), equal ranks keep the first.
var metaKeys = map[string]struct {
	key  string
	rank int
}{
	"description": {"description", 0}, "og:description": {"description", 1}, "twitter:description": {"description", 2},
	"author": {"author", 0}, "article:author": {"author", 1}, "dc.creator": {"author", 2}, "parsely-author": {"author", 2},
	"article:published_time": {"published", 0}, "datepublished": {"published", 1}, "parsely-pub-date": {"published", 2},
	"pubdate": {"published", 2}, "publish-date": {"published", 2}, "dc.date": {"published", 3}, "date": {"published", 3},
	"article:modified_time": {"modified", 0}, "datemodified": {"modified", 1}, "og:updated_time": {"modified", 2},
	"keywords": {"keywords", 0}, "news_keywords": {"keywords", 1}, "article:tag": {"keywords", 2},
	"og:site_name": {"site_name", 0}, "application-name": {"site_name", 1},
	"og:type": {"og:type", 0}, "og:title": {"og:title", 0}, "twitter:title": {"og:title", 1},
	"og:image": {"og:image", 0}, "twitter:image": {"og:image", 1},
}

// metadata is what a document says about itself.
type metadata struct {
	title, lang string
	base        *url.URL // base for relative URLs: <base href> resolved, else the page URL
	meta        map[string]string
}

// readMeta collects the title, language, <base href>, <meta> values and
// canonical link of doc. The first <h1> not in hidden is the title of a
// page without one. URLs are resolved; metadata values are
// whitespace-collapsed, stripped of invisible characters and cut.
func readMeta(doc *html.Node, base *url.URL, hidden map[*html.Node]string) metadata {
	m := metadata{base: base, meta: map[string]string{}}
	rank := map[string]int{}
	var h1, canonical, image string
	baseSet := false
	walk(doc, func(n *html.Node) bool {
		if n.Type == html.DocumentNode {
			return true
		}
		if !isHTML(n) || hidden[n] != "" {
			return false
		}
		switch n.DataAtom {
		case atom.Html:
			m.lang = attr(n, "lang")
		case atom.Title:
			if m.title == "" {
				m.title = clean(textOf(n, maxMeta))
			}
			return false
		case atom.Base:
			if u := resolveURL(base, attr(n, "href")); !baseSet && u != "" && !strings.HasPrefix(u, "mailto:") {
				m.base, _ = url.Parse(u)
				baseSet = true
			}
		case atom.Link:
			if canonical == "" && hasToken(attr(n, "rel"), "canonical") {
				canonical = attr(n, "href")
			}
		case atom.Meta:
			name := attr(n, "name")
			if name == "" {
				name = attr(n, "property")
			}
			if name == "" {
				name = attr(n, "itemprop")
			}
			k, ok := metaKeys[strings.ToLower(strings.TrimSpace(name))]
			v := clean(attr(n, "content"))
			if r, seen := rank[k.key]; !ok || v == "" || seen && r <= k.rank {
				return false
			}
			rank[k.key] = k.rank
			if k.key == "og:image" {
				image = v
			} else {
				m.meta[k.key] = v
			}
		case atom.H1:
			if h1 == "" {
				h1 = clean(textOf(n, maxMeta))
			}
			return false
		case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Svg, atom.Math:
			return false
		}
		return true
	}, nil)
	if u := resolveURL(m.base, canonical); u != "" {
		m.meta["canonical"] = u
	}
	if u := resolveURL(m.base, image); u != "" {
		m.meta["og:image"] = u
	}
	m.lang = cutRunes(strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return r
		}
		return -1
	}, m.lang), 35)
	switch {
	case m.title != "":
	case m.meta["og:title"] != "":
		m.title = m.meta["og:title"]
	default:
		m.title = h1
	}
	return m
}

// clean collapses whitespace, drops invisible characters and cuts at
// maxMeta runes.
func clean(s string) string {
	s, _ = visible(s)
	return cutRunes(collapse(s), maxMeta)
}

// hasToken reports whether the space-separated list s holds tok, ignoring
// case.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
