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
// the host's classifier sees it and the model never gets it silently:
// HTML comments, the hidden attribute, aria-hidden, closed dialogs,
// template and noscript, hidden inputs, inline styles that hide
// (display:none, visibility:hidden, opacity 0, font-size 0, zero size with
// overflow hidden, clipping, off-screen positioning, text-indent, text the
// colour of its background or transparent), the same properties set by
// simple <style> rules (tag, .class, #id and their compounds, including
// @media rules that match a desktop screen), Unicode tag characters (which
// are decoded into Hidden) and over-long image alt text. Invisible format
// characters (zero-width space, soft hyphen, BOM) are dropped from text.
//
// Work is bounded and linear in the input: the input is cut at MaxInput
// bytes and MaxTags tags before parsing, trees of any depth are walked
// without recursion (Markdown structure stops nesting at maxNesting), style
// rules, links, metadata and hidden records are capped, and the output is cut
// at Options.MaxOutput. Every cut is reported in Page.Notes. Hostile HTML
// cannot make Parse panic (see FuzzParse).
//
// # What it does not protect
//
// This is a static view of the page: no scripts run and no external
// stylesheets are fetched, so text that scripts or external CSS hide is
// shown, and text they reveal stays hidden. Selectors with combinators,
// pseudo-classes or attributes are ignored. Colours are compared only when
// the text colour is set inline (style, <font color>, <body text>); a
// background that comes from an external stylesheet is unknown and the
// page is assumed white. Stylesheet opacity and font-size rules are
// ignored (they are mostly script-driven fade-ins and layout hacks), as is
// any hiding of <html> and <body> themselves (a pre-script "flash of
// unstyled content" guard; noted when seen). Hiding is decided per element,
// so text a descendant re-shows (visibility:visible) is still reported as
// hidden. Errs are on the side of hiding: visible text taken for hidden
// lands in Page.Hidden, where it is still reported.
//
// Visible text is not safe text: the main content itself, link texts,
// image alt text and Page.Meta (which a page author controls entirely) may
// all carry injections, and must go through the classifier like Hidden.
package webpage
