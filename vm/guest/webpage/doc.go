// Package webpage turns a fetched web response into what a model reads:
// the page's main content as Markdown, its numbered links, its metadata,
// and a record of the text that was removed because a human reader would
// not have seen it.
//
// Everything here is a pure function of its arguments: no I/O, no clock,
// no randomness, the same output for the same input. The package is
// compiled into the guest agent (PID 1 in the sandbox VM), so it imports
// only the standard library and golang.org/x/net/html.
//
// # Pipeline
//
// Parse decodes the body to UTF-8 (charset.go), parses HTML with x/net/html
// (dom.go), computes which elements are hidden (hidden.go, css.go,
// color.go), picks the main content (readability.go) and renders it as
// Markdown (markdown.go, mdwriter.go, mdtable.go). Other content types are
// returned as text (text.go).
//
// # What it protects
//
// Hidden text is the classic carrier of prompt injections: an instruction
// the user never sees on screen but the model reads. Parse removes text a
// browser would not show and records it in Page.Hidden with the reason, so
// the host's classifier sees it and the model never gets it silently.
// Hidden covers the whole document, not only the main content (a hidden
// injection anywhere is evidence against the page): HTML comments, the
// hidden attribute, aria-hidden, closed dialogs, template and noscript,
// hidden inputs; inline styles that hide (display:none, visibility:hidden
// or collapse, content-visibility:hidden, opacity or filter opacity 0,
// font-size 0, zero size with overflow hidden, scale(0), clip and
// clip-path, off-screen positioning, margins, translate or text-indent,
// text the colour of its background, transparent text); the same
// properties (bar opacity, filter, font-size, colour and transform) set by
// simple <style> rules (tag, .class, #id and their compounds, with a real
// cascade, inside @media rules that match a desktop screen); and the
// framework classes that hide in stylesheets Parse cannot see (sr-only,
// visually-hidden, d-none, hidden...) unless a responsive class may show
// the element again. In the rendered content it also records Unicode tag
// characters (decoded: they spell ASCII that models read and screens do
// not show) and image alt text past 200 characters. Invisible format
// characters (zero-width space, soft hyphen, BOM) are dropped from text,
// and aria-label, never shown on screen, is never used as link text.
//
// Work is bounded and linear in the input: the input is cut at MaxInput
// bytes and MaxTags tags before parsing, trees of any depth are walked
// without recursion (Markdown structure stops at maxDepth elements and
// maxNesting lists or quotes), class and id attributes are read up to
// 4 KiB, style rules, links, metadata and hidden records are capped, and
// the output is cut at Options.MaxOutput. Every cut is reported in
// Page.Notes. Hostile HTML cannot make Parse panic (FuzzParse,
// FuzzStyle); the slowest input found (BenchmarkParseHostile/formatting,
// where x/net/html rescans its 512-element stack) parses at about 1 MB/s,
// an ordinary article page (BenchmarkParse) at 10-20 MB/s.
//
// # What it does not protect
//
// This is a static view of the page: no scripts run and no external
// stylesheets are fetched, so text that scripts or external CSS hide is
// shown, and text they reveal stays hidden. Selectors with combinators,
// pseudo-classes or attributes are ignored. Colours are compared only when
// the text colour is set inline (style, <font color>, <body text>); the
// background comes from inline styles, bgcolor and simple rules, and is
// assumed white when none is set, so a page whose dark background comes
// from an external stylesheet may have its white text reported hidden.
// Any hiding of <html> and <body> themselves is ignored (it is a
// pre-script "flash of unstyled content" guard; noted when seen). Hiding
// is decided per element, so text a descendant re-shows
// (visibility:visible) is still reported as hidden. Errs are on the side
// of hiding: visible text taken for hidden lands in Page.Hidden, where it
// is still reported. Unicode tag characters outside the rendered content
// are not recorded.
//
// Visible text is not safe text: the main content itself, link texts,
// image alt text and Page.Meta (which a page author controls entirely) may
// all carry injections, and must go through the classifier like Hidden.
package webpage
