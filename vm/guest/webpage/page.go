package webpage

import (
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Limits on the work Parse does and on what it returns.
const (
	// DefaultMaxOutput is the Markdown size used when Options.MaxOutput is
	// zero or negative.
	DefaultMaxOutput = 1 << 20
	// MaxInput is the number of body bytes Parse reads; the rest is cut
	// and noted.
	MaxInput = 5 << 20
	// MaxTags is the number of '<' characters an HTML body may hold: the
	// body is cut before the next one, which bounds the parsed tree to a
	// few nodes per tag whatever the markup.
	MaxTags = 200_000
	// MaxLinks is the number of distinct links and images numbered; later
	// ones keep their text and lose their URL.
	MaxLinks = 5000
	// MaxHidden is the number of Hidden records kept.
	MaxHidden = 200
	// MaxHiddenText is the length in runes of one Hidden record's text.
	MaxHiddenText = 1000
	// maxHiddenTotal bounds the bytes of all Hidden texts together.
	maxHiddenTotal = 100 << 10
	// maxMeta is the length in runes of a title or Meta value.
	maxMeta = 500
)

// ErrBinary is returned (wrapped with the content type) for a body that is
// neither HTML nor text.
var ErrBinary = errors.New("binary content")

// Page is a web response as a model reads it.
type Page struct {
	// URL is the base URL Parse was given, or "" without one.
	URL string
	// Title is the document title (<title>, else og:title, else the first
	// <h1>), or for non-HTML content the last path segment of URL.
	Title string
	// Lang is the <html lang> attribute, if any.
	Lang string
	// Meta holds metadata by fixed key: description, author, published,
	// modified, keywords, canonical, site_name, og:type, og:title,
	// og:image. Values are whitespace-collapsed and cut at 500 runes. The
	// page author controls them entirely.
	Meta map[string]string
	// Markdown is the readable main content (or the whole body with
	// Options.Raw). Links and images appear as [text][N] and ![alt][N];
	// no reference section is appended (see References).
	Markdown string
	// Links are the links and images numbered in Markdown, in order of
	// first appearance, each URL once. URLs are absolute http, https or
	// mailto; other schemes (javascript:, data:, ...) keep their text and
	// get no number.
	Links []Link
	// Hidden is the text a human reader would not see: first hidden
	// elements, comments, templates and hidden inputs of the whole
	// document in document order, then the Unicode tag characters and
	// long alt text of the rendered content. Identical records appear
	// once; at most MaxHidden records and 100 KiB are kept (a note says
	// how many more there were). It is evidence for the classifier, not
	// content.
	Hidden []Hidden
	// Notes say what Parse converted, cut or guessed, for the model and
	// the logs.
	Notes []string
}

// Link is one numbered link or image.
type Link struct {
	// N is the 1-based number shown in Markdown as [text][N].
	N int
	// Text is the link text or image alt text, cut at 200 runes.
	Text string
	// URL is absolute.
	URL string
}

// Hidden is one piece of text a human reader would not have seen.
type Hidden struct {
	// Reason is one of the Reason constants.
	Reason string
	// Text is the hidden text, whitespace-collapsed and cut at
	// MaxHiddenText runes.
	Text string
}

// Reasons text is hidden, as recorded in Hidden.Reason.
const (
	ReasonComment     = "html comment"
	ReasonAttribute   = "hidden attribute"
	ReasonAria        = "aria-hidden"
	ReasonDisplay     = "display:none"
	ReasonVisibility  = "visibility:hidden"
	ReasonOpacity     = "opacity 0"
	ReasonFontSize    = "font-size 0"
	ReasonZeroSize    = "zero size"
	ReasonClipped     = "clipped"
	ReasonOffScreen   = "off-screen"
	ReasonSameColour  = "same colour as background"
	ReasonTransparent = "transparent text"
	ReasonTemplate    = "template/noscript"
	ReasonInput       = "hidden input"
	ReasonDialog      = "closed dialog"
	ReasonTagChars    = "unicode tag characters"
	ReasonAlt         = "long alt text"
	ReasonClass       = "hiding class"
)

// Options tune Parse. The zero value is ready to use.
type Options struct {
	// MaxOutput bounds Markdown in bytes; zero or negative means
	// DefaultMaxOutput.
	MaxOutput int
	// Raw converts the whole body instead of the main content: no
	// boilerplate removal and no readability scoring. Hidden text is
	// removed and recorded all the same.
	Raw bool
}

// Parse turns a response body into a Page. contentType is the response's
// Content-Type header (its charset parameter is honoured); base is the
// final URL after redirects, used to resolve relative links and may be
// nil, in which case relative links lose their URL.
//
// HTML is reduced to its main content; JSON is pretty-printed in a code
// block; other text is returned as is. A body that is not text returns an
// error wrapping ErrBinary. Parse never panics and does work linear in
// len(body); see the package doc for the limits.
func Parse(body []byte, contentType string, base *url.URL, opt Options) (*Page, error) {
	if opt.MaxOutput <= 0 {
		opt.MaxOutput = DefaultMaxOutput
	}
	p := &Page{Meta: map[string]string{}}
	if base != nil {
		p.URL = base.String()
	}
	if len(body) > MaxInput {
		body = body[:MaxInput]
		p.note("input cut at %d bytes", MaxInput)
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, params = "", nil
	}
	kind := classify(mt, body)
	if kind == kindBinary {
		if mt == "" {
			mt = "unknown type"
		}
		return nil, fmt.Errorf("%s: %w", mt, ErrBinary)
	}
	text := decode(body, params["charset"], kind == kindHTML, p)
	if kind == kindHTML {
		parseHTML(text, base, opt, p)
	} else {
		parseText(text, mt, kind, base, opt, p)
	}
	if len(p.Markdown) > opt.MaxOutput {
		p.Markdown = cutUTF8(p.Markdown, opt.MaxOutput)
		p.note("content cut at %d bytes", opt.MaxOutput)
	}
	return p, nil
}

// parseHTML fills p from an HTML document decoded to UTF-8.
func parseHTML(text string, base *url.URL, opt Options, p *Page) {
	doc := parseDOM(text, p)
	sh := styles(doc)
	if sh.dropped > 0 {
		p.note("%d style rules past the limits ignored", sh.dropped)
	}
	hidden, rootHidden := findHidden(doc, sh)
	if rootHidden {
		p.note("the page hides its whole body (until scripts run, usually): shown anyway")
	}
	m := readMeta(doc, base, hidden)
	p.Title, p.Lang = m.title, m.lang
	maps.Copy(p.Meta, m.meta)

	body := findBody(doc)
	roots := []*html.Node{body}
	c := &conv{
		w:      &mdWriter{limit: opt.MaxOutput + 1},
		hidden: hidden,
		hlog:   &hiddenLog{},
		links:  &linker{},
		base:   m.base,
		raw:    opt.Raw,
	}
	c.protect = protected(body, hidden)
	if !opt.Raw {
		var how string
		var useClass bool
		roots, how, useClass = mainContent(body, hidden, c.protect)
		c.noClass = !useClass
		p.note("main content: %s", how)
	}
	recordHidden(doc, hidden, c.hlog)
	c.render(roots)
	p.Markdown = c.w.String()
	p.Links = c.links.links
	if c.links.dropped > 0 {
		p.note("%d links past the first %d not numbered", c.links.dropped, MaxLinks)
	}
	c.hlog.finish(p)
}

// note appends a formatted note.
func (p *Page) note(format string, args ...any) {
	p.Notes = append(p.Notes, fmt.Sprintf(format, args...))
}

// cutUTF8 returns the longest prefix of s no longer than n bytes that
// does not split a rune.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cutRunes returns s cut at n runes, ending in "…" when cut.
func cutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return strings.TrimRight(s[:j], " ") + "…"
		}
		i++
	}
	return s
}

// titleFromURL names non-HTML content after the last path segment of u,
// else its host.
func titleFromURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	seg := strings.TrimRight(u.Path, "/")
	if i := strings.LastIndexByte(seg, '/'); i >= 0 {
		seg = seg[i+1:]
	}
	if seg == "" {
		return u.Hostname()
	}
	return cutRunes(collapse(seg), maxMeta)
}
