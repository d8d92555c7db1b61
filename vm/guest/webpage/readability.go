package webpage

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Readability thresholds.
const (
	minLandmarkText = 140 // visible characters a <main> or <article> needs to be chosen
	minParagraph    = 25  // characters a paragraph needs to count
	minBestScore    = 20  // score the best candidate needs, else the whole body
	minContentText  = 500 // below this, choose again without class-based removal
	maxLandmarks    = 16  // <main>/<article> elements whose ancestors are protected
)

// boilerTokens are class and id words that mark page furniture.
var boilerTokens = wordSet("nav navbar navigation menu menus footer sidebar comment comments " +
	"commentlist cookie cookies banner ad ads adsbygoogle advert advertisement advertising " +
	"share sharing sharebar social promo promos related newsletter subscribe popup modal " +
	"breadcrumb breadcrumbs masthead widget widgets sponsor sponsored outbrain taboola disqus " +
	"toolbar signup consent skip skiplink")

// keepTokens are class and id words that keep an element with a
// boilerplate word ("main-menu" and "content-sidebar" stay).
var keepTokens = wordSet("article body column content main story")

// Substrings of class and id that raise or lower a candidate's score.
var (
	positiveHints = []string{"article", "body", "content", "entry", "hentry", "main", "page", "post", "text", "blog", "story", "prose", "markdown"}
	negativeHints = []string{"hidden", "banner", "combx", "comment", "contact", "foot", "masthead", "media", "meta",
		"outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor",
		"shopping", "tags", "tool", "widget", "nav", "menu"}
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// classWords returns the lower-cased words of n's class and id, split at
// anything but letters and digits.
func classWords(n *html.Node) []string {
	return strings.FieldsFunc(strings.ToLower(classAttr(n)+" "+cutUTF8(attr(n, "id"), maxAttrScan)), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	})
}

// nonContent reports whether element n is never content: scripts,
// styles, metadata, embedded and interactive elements, form controls.
func nonContent(n *html.Node) bool {
	if n.Namespace == "svg" {
		return true
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Head, atom.Title, atom.Meta,
		atom.Link, atom.Base, atom.Iframe, atom.Object, atom.Embed, atom.Canvas, atom.Video,
		atom.Audio, atom.Map, atom.Area, atom.Input, atom.Select, atom.Textarea, atom.Button,
		atom.Option, atom.Optgroup, atom.Datalist, atom.Output, atom.Progress, atom.Meter,
		atom.Frame, atom.Frameset, atom.Noframes, atom.Param, atom.Source, atom.Track, atom.Applet:
		return true
	}
	return false
}

// boilerplate reports whether element n is page furniture: navigation,
// asides, page-level header and footer (those outside any <article> or
// <main>), elements whose ARIA role is a landmark other than main, and
// elements whose class or id has a boilerplate word and no keep word.
// Class and id are not looked at inside code (highlighters use classes
// like "comment"), nor on elements in protect.
func boilerplate(n *html.Node, inArticle, inCode, useClass bool, protect map[*html.Node]bool) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Aside:
		return true
	case atom.Header, atom.Footer:
		if !inArticle {
			return true
		}
	case atom.Body, atom.Html, atom.Main, atom.Article, atom.A:
		return false
	}
	switch strings.ToLower(strings.TrimSpace(attr(n, "role"))) {
	case "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
		"dialog", "alertdialog", "tooltip":
		return true
	case "main", "article":
		return false
	}
	if !useClass || inCode || protect[n] {
		return false
	}
	boiler := false
	for _, w := range classWords(n) {
		if keepTokens[w] {
			return false
		}
		boiler = boiler || boilerTokens[w]
	}
	return boiler
}

// stat is what the scoring walk learns about an element.
type stat struct {
	text, links int     // visible characters (not spaces), of which in links
	score       float64 // readability score; scored tells whether it was given one
	scored      bool
}

// final is a candidate's score after the link-density penalty.
func (s *stat) final() float64 {
	if s.text == 0 {
		return 0
	}
	return s.score * (1 - float64(s.links)/float64(s.text))
}

// mainContent picks the main content under body and says how:
//
//  1. the one top-level <article> holding at least a third of the text
//     of its <main> (or of the page), when there is exactly one with
//     minLandmarkText characters;
//  2. else the largest <main> or [role=main] with minLandmarkText;
//  3. else the best-scoring candidate, readability-style: every
//     paragraph (p, pre, td, and div or section holding no block) of
//     minParagraph characters scores 1 + its commas + one per 100
//     characters (at most 3); its parent gets the score, its grandparent
//     half, the next ancestor a sixth; candidates start from a tag bonus
//     (div +5, pre/td/blockquote +3, lists -3, headings -5) and ±25 for
//     class/id hints; the final score is multiplied by 1 - link density.
//     Siblings scoring a fifth of the best (at least 10), and sibling
//     paragraphs of 80 characters with few links, are added;
//  4. else, when the best scores under minBestScore, the whole body.
//
// Boilerplate (see boilerplate) and hidden elements take no part. When
// the result has under minContentText characters and dropping class-based
// boilerplate removal gives more, the choice is made again without it,
// as Mozilla's Readability does.
func mainContent(body *html.Node, hidden map[*html.Node]string, protect map[*html.Node]bool) (roots []*html.Node, how string, useClass bool) {
	roots, how, text := choose(body, hidden, protect, true)
	if text < minContentText {
		if r2, h2, t2 := choose(body, hidden, protect, false); t2 > text {
			return r2, h2, false
		}
	}
	return roots, how, true
}

// protected returns the elements that class-based boilerplate removal
// must keep: the first maxLandmarks visible <main>, [role=main] and
// <article> elements under body and their ancestors, so that a wrapper
// like "content-sidebar-wrap" cannot take the content with it.
func protected(body *html.Node, hidden map[*html.Node]string) map[*html.Node]bool {
	protect := map[*html.Node]bool{}
	found := 0
	walk(body, func(n *html.Node) bool {
		if found >= maxLandmarks || n.Type != html.ElementNode || hidden[n] != "" || nonContent(n) {
			return false
		}
		if n.DataAtom == atom.Main || n.DataAtom == atom.Article || strings.EqualFold(attr(n, "role"), "main") {
			found++
			for a := n; a != nil && !protect[a]; a = a.Parent {
				protect[a] = true
			}
		}
		return true
	}, nil)
	return protect
}

// choose runs the scoring walk and applies the rules of mainContent. It
// returns the visible text length of the choice.
func choose(body *html.Node, hidden map[*html.Node]string, protect map[*html.Node]bool, useClass bool) ([]*html.Node, string, int) {
	type frame struct {
		n                   *html.Node
		text, links, commas int
		block               bool
	}
	stats := map[*html.Node]*stat{}
	get := func(n *html.Node) *stat {
		s := stats[n]
		if s == nil {
			s = &stat{}
			stats[n] = s
		}
		return s
	}
	var mains, articles []*html.Node
	frames := []frame{{n: body}}
	inArticle, inCode, inLink, articleDepth := 0, 0, 0, 0
	walk(body, func(n *html.Node) bool {
		top := &frames[len(frames)-1]
		switch {
		case n == body:
			return true
		case n.Type == html.TextNode:
			chars := 0
			for _, r := range n.Data {
				switch {
				case isSpace(r) || r == 0xA0:
				case r == ',' || r == '，' || r == '、':
					top.commas++
					chars++
				default:
					chars++
				}
			}
			top.text += chars
			if inLink > 0 {
				top.links += chars
			}
			return false
		case n.Type != html.ElementNode, hidden[n] != "", nonContent(n),
			boilerplate(n, inArticle > 0, inCode > 0, useClass, protect):
			return false
		}
		if blockElement(n.DataAtom) {
			top.block = true
		}
		switch n.DataAtom {
		case atom.Article, atom.Main:
			inArticle++
		case atom.Pre, atom.Code:
			inCode++
		case atom.A:
			inLink++
		}
		if n.DataAtom == atom.Article {
			if articleDepth == 0 {
				articles = append(articles, n)
			}
			articleDepth++
		}
		if n.DataAtom == atom.Main || strings.EqualFold(attr(n, "role"), "main") {
			mains = append(mains, n)
		}
		frames = push(frames, frame{n: n})
		return true
	}, func(n *html.Node) {
		if n == body {
			return
		}
		f := frames[len(frames)-1]
		frames = frames[:len(frames)-1]
		parent := &frames[len(frames)-1]
		parent.text += f.text
		parent.commas += f.commas
		parent.links += f.links
		if n.DataAtom == atom.A {
			inLink--
		}
		switch n.DataAtom {
		case atom.Article, atom.Main:
			inArticle--
		case atom.Pre, atom.Code:
			inCode--
		}
		if n.DataAtom == atom.Article {
			articleDepth--
		}
		if f.text >= minParagraph || stats[n] != nil {
			s := get(n)
			s.text, s.links = f.text, f.links
		}
		para := n.DataAtom == atom.P || n.DataAtom == atom.Pre || n.DataAtom == atom.Td ||
			(n.DataAtom == atom.Div || n.DataAtom == atom.Section) && !f.block
		if !para || f.text < minParagraph {
			return
		}
		score := 1 + float64(f.commas) + float64(min(f.text/100, 3))
		for i, div := range []float64{1, 2, 6} {
			j := len(frames) - 1 - i
			if j < 1 { // frames[0] is body: never a candidate
				break
			}
			s := get(frames[j].n)
			if !s.scored {
				s.scored = true
				s.score = initialScore(frames[j].n)
			}
			s.score += score / div
		}
	})
	total := frames[0].text
	textOf := func(n *html.Node) int {
		if s := stats[n]; s != nil {
			return s.text
		}
		return 0
	}

	// 1 and 2: landmarks.
	var main *html.Node
	for _, m := range mains {
		if textOf(m) >= minLandmarkText && (main == nil || textOf(m) > textOf(main)) {
			main = m
		}
	}
	var article *html.Node
	n := 0
	for _, a := range articles {
		if textOf(a) >= minLandmarkText {
			article, n = a, n+1
		}
	}
	within := total
	if main != nil {
		within = textOf(main)
	}
	switch {
	case n == 1 && 3*textOf(article) >= within:
		return []*html.Node{article}, "<article>", textOf(article)
	case main != nil:
		return []*html.Node{main}, "<" + main.Data + ">", textOf(main)
	}

	// 3: the best candidate and its siblings.
	var best *html.Node
	var bestScore float64
	walk(body, func(n *html.Node) bool {
		if s := stats[n]; s != nil && s.scored && s.final() > bestScore {
			best, bestScore = n, s.final()
		}
		return stats[n] != nil || n == body
	}, nil)
	if best == nil || bestScore < minBestScore {
		return []*html.Node{body}, "whole page (no clear main content)", total
	}
	threshold := max(10, bestScore*0.2)
	var roots []*html.Node
	text := 0
	for sib := best.Parent.FirstChild; sib != nil; sib = sib.NextSibling {
		s := stats[sib]
		switch {
		case sib == best,
			s != nil && s.scored && s.final() >= threshold,
			s != nil && sib.DataAtom == atom.P && s.text > 80 && s.links*4 < s.text:
			roots = append(roots, sib)
			text += s.text
		}
	}
	return roots, "best-scoring <" + best.Data + ">", text
}

// initialScore is a candidate's starting score: a tag bonus and ±25 for
// class and id hints.
func initialScore(n *html.Node) float64 {
	var s float64
	switch n.DataAtom {
	case atom.Div:
		s = 5
	case atom.Pre, atom.Td, atom.Blockquote:
		s = 3
	case atom.Address, atom.Ol, atom.Ul, atom.Dl, atom.Dd, atom.Dt, atom.Li, atom.Form:
		s = -3
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Th:
		s = -5
	}
	hints := strings.ToLower(classAttr(n) + " " + cutUTF8(attr(n, "id"), maxAttrScan))
	for _, h := range positiveHints {
		if strings.Contains(hints, h) {
			s += 25
			break
		}
	}
	for _, h := range negativeHints {
		if strings.Contains(hints, h) {
			s -= 25
			break
		}
	}
	return s
}
