package webpage

import (
	"slices"
	"strings"
	"testing"
)

// TestHiddenTechniques checks every hiding technique, one per page: the
// text marked SECRET must leave Markdown and reach Hidden with the
// reason, and the visible text around it must stay.
func TestHiddenTechniques(t *testing.T) {
	for _, c := range []struct {
		name, style, html, reason string
	}{
		{name: "comment", html: `<!-- SECRET -->`, reason: ReasonComment},
		{name: "hidden attribute", html: `<div hidden>SECRET</div>`, reason: ReasonAttribute},
		{name: "hidden until-found", html: `<div hidden="until-found">SECRET</div>`, reason: ReasonAttribute},
		{name: "aria-hidden", html: `<span aria-hidden="true">SECRET</span>`, reason: ReasonAria},
		{name: "display none", html: `<div style="display:none">SECRET</div>`, reason: ReasonDisplay},
		{name: "display none important", html: `<div style="DISPLAY: None !important">SECRET</div>`, reason: ReasonDisplay},
		{name: "display none with escapes", html: `<div style="dis\70 lay: n\one">SECRET</div>`, reason: ReasonDisplay},
		{name: "display none with comment", html: `<div style="display:/* x */none">SECRET</div>`, reason: ReasonDisplay},
		{name: "visibility hidden", html: `<p style="visibility:hidden">SECRET</p>`, reason: ReasonVisibility},
		{name: "visibility collapse", html: `<p style="visibility: collapse">SECRET</p>`, reason: ReasonVisibility},
		{name: "opacity 0", html: `<p style="opacity:0">SECRET</p>`, reason: ReasonOpacity},
		{name: "opacity 0.01", html: `<p style="opacity:.01">SECRET</p>`, reason: ReasonOpacity},
		{name: "opacity 0%", html: `<p style="opacity:0%">SECRET</p>`, reason: ReasonOpacity},
		{name: "font-size 0", html: `<span style="font-size:0">SECRET</span>`, reason: ReasonFontSize},
		{name: "font-size 0.5px", html: `<span style="font-size:0.5px">SECRET</span>`, reason: ReasonFontSize},
		{name: "zero width overflow hidden", html: `<div style="width:0;overflow:hidden">SECRET</div>`, reason: ReasonZeroSize},
		{name: "zero height overflow clip", html: `<div style="height:0px;overflow-y:clip">SECRET</div>`, reason: ReasonZeroSize},
		{name: "1px box", html: `<div style="width:1px;height:1px;overflow:hidden">SECRET</div>`, reason: ReasonZeroSize},
		{name: "clip rect", html: `<span style="position:absolute;clip:rect(0 0 0 0)">SECRET</span>`, reason: ReasonClipped},
		{name: "clip rect commas", html: `<span style="position:absolute;clip:rect(1px, 1px, 1px, 1px)">SECRET</span>`, reason: ReasonClipped},
		{name: "clip-path inset", html: `<span style="clip-path: inset(50%)">SECRET</span>`, reason: ReasonClipped},
		{name: "clip-path circle", html: `<span style="clip-path:circle(0)">SECRET</span>`, reason: ReasonClipped},
		{name: "left -9999px", html: `<div style="position:absolute;left:-9999px">SECRET</div>`, reason: ReasonOffScreen},
		{name: "top -1000px fixed", html: `<div style="position:fixed;top:-1000px">SECRET</div>`, reason: ReasonOffScreen},
		{name: "left in em", html: `<div style="position:absolute;left:-100em">SECRET</div>`, reason: ReasonOffScreen},
		{name: "text-indent", html: `<h2 style="text-indent:-9999px">SECRET</h2>`, reason: ReasonOffScreen},
		{name: "margin-left", html: `<div style="margin-left:-5000px">SECRET</div>`, reason: ReasonOffScreen},
		{name: "translate", html: `<div style="transform:translateX(-10000px)">SECRET</div>`, reason: ReasonOffScreen},
		{name: "white on white", html: `<span style="color:#fff;background:#FFFFFF">SECRET</span>`, reason: ReasonSameColour},
		{name: "white on default page", html: `<span style="color:white">SECRET</span>`, reason: ReasonSameColour},
		{name: "rgb white on named white", html: `<span style="color:rgb(255, 255, 255);background-color:white">SECRET</span>`, reason: ReasonSameColour},
		{name: "near white", html: `<span style="color:#fafafa">SECRET</span>`, reason: ReasonSameColour},
		{name: "snow on page", html: `<span style="color:snow">SECRET</span>`, reason: ReasonSameColour},
		{name: "black on black parent", html: `<div style="background:#000"><p>dark</p><span style="color:rgba(0,0,0,1)">SECRET</span></div>`, reason: ReasonSameColour},
		{name: "hsl", html: `<span style="color:hsl(0, 0%, 100%)">SECRET</span>`, reason: ReasonSameColour},
		{name: "font color", html: `<font color="#ffffff">SECRET</font>`, reason: ReasonSameColour},
		{name: "bgcolor table", html: `<table bgcolor="#000"><tr><td><font color="black">SECRET</font></td></tr></table>`, reason: ReasonSameColour},
		{name: "scale 0", html: `<div style="transform:scale(0)">SECRET</div>`, reason: ReasonZeroSize},
		{name: "filter opacity", html: `<div style="filter: opacity(0%)">SECRET</div>`, reason: ReasonOpacity},
		{name: "content-visibility", html: `<div style="content-visibility:hidden">SECRET</div>`, reason: ReasonVisibility},
		{name: "text fill transparent", html: `<span style="-webkit-text-fill-color:transparent">SECRET</span>`, reason: ReasonTransparent},
		{name: "transparent", html: `<span style="color:transparent">SECRET</span>`, reason: ReasonTransparent},
		{name: "alpha 0", html: `<span style="color:rgba(0,0,0,0)">SECRET</span>`, reason: ReasonTransparent},
		{name: "template", html: `<template><p>SECRET</p></template>`, reason: ReasonTemplate},
		{name: "noscript", html: `<noscript><p>SECRET</p></noscript>`, reason: ReasonTemplate},
		{name: "hidden input", html: `<form><input type="hidden" name="note" value="SECRET"></form>`, reason: ReasonInput},
		{name: "closed dialog", html: `<dialog>SECRET</dialog>`, reason: ReasonDialog},
		{name: "sr-only class", html: `<span class="sr-only">SECRET</span>`, reason: ReasonClass},
		{name: "d-none class", html: `<div class="x d-none">SECRET</div>`, reason: ReasonClass},
		{name: "tag characters", html: `<p>ok` + tagged("SECRET") + `</p>`, reason: ReasonTagChars},
		{name: "long alt", html: `<img src="a.png" alt="` + strings.Repeat("x ", 150) + `SECRET">`, reason: ReasonAlt},
		{name: "nested in hidden", html: `<div style="display:none"><p><b>SECRET</b></p></div>`, reason: ReasonDisplay},
		{name: "in a table cell", html: `<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td style="display:none">SECRET</td></tr></table>`, reason: ReasonDisplay},
		{name: "in a link", html: `<a href="/x">link<span hidden>SECRET</span></a>`, reason: ReasonAttribute},
		{name: "in pre", html: `<pre>code<span style="display:none">SECRET</span></pre>`, reason: ReasonDisplay},
		{name: "in head comment", html: ``, style: `<!-- SECRET -->`, reason: ReasonComment},

		{name: "stylesheet class", style: `.x { display: none }`, html: `<div class="x">SECRET</div>`, reason: ReasonDisplay},
		{name: "stylesheet id", style: `#x{visibility:hidden}`, html: `<div id="x">SECRET</div>`, reason: ReasonVisibility},
		{name: "stylesheet tag", style: `aside{display:none}`, html: `<p><aside>SECRET</aside></p>`, reason: ReasonDisplay},
		{name: "stylesheet compound", style: `p.a.b{display:none}`, html: `<p class="b a">SECRET</p>`, reason: ReasonDisplay},
		{name: "stylesheet list", style: `h1, .y , .x{display:none}`, html: `<p class="x">SECRET</p>`, reason: ReasonDisplay},
		{name: "stylesheet escaped class", style: `.md\:hide{display:none}`, html: `<p class="md:hide">SECRET</p>`, reason: ReasonDisplay},
		{name: "stylesheet desktop media", style: `@media screen and (min-width: 768px) { .x { display:none } }`, html: `<p class="x">SECRET</p>`, reason: ReasonDisplay},
		{name: "stylesheet range media", style: `@media (width >= 48rem) { .x { display:none } }`, html: `<p class="x">SECRET</p>`, reason: ReasonDisplay},
		{name: "stylesheet important beats inline", style: `.x{display:none!important}`, html: `<p class="x" style="display:block">SECRET</p>`, reason: ReasonDisplay},
		{name: "stylesheet sr-only", style: `.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}`, html: `<span class="vh">SECRET</span>`, reason: ReasonZeroSize},
		{name: "stylesheet background", style: `.dark{background-color:#111}`, html: `<div class="dark"><span style="color:#121212">SECRET</span></div>`, reason: ReasonSameColour},
		{name: "stylesheet in body", html: `<style>.late{display:none}</style><p class="late">SECRET</p>`, reason: ReasonDisplay},
		{name: "stylesheet with comment", style: `/* .x{display:block} */ .x{display:none}`, html: `<p class="x">SECRET</p>`, reason: ReasonDisplay},
	} {
		t.Run(c.name, func(t *testing.T) {
			page := "<html><head><style>" + c.style + "</style></head><body><p>before</p>" + c.html + "<p>after</p></body></html>"
			if strings.HasPrefix(c.style, "<!--") {
				page = "<html><head>" + c.style + "</head><body><p>before</p><p>after</p></body></html>"
			}
			for _, raw := range []bool{false, true} {
				p := parse(t, page, Options{Raw: raw})
				if strings.Contains(p.Markdown, "SECRET") {
					t.Errorf("raw=%v: Markdown has the secret:\n%s", raw, p.Markdown)
				}
				if !strings.Contains(p.Markdown, "before") || !strings.Contains(p.Markdown, "after") {
					t.Errorf("raw=%v: visible text lost:\n%s", raw, p.Markdown)
				}
				if !slices.ContainsFunc(p.Hidden, func(h Hidden) bool {
					return h.Reason == c.reason && strings.Contains(h.Text, "SECRET")
				}) {
					t.Errorf("raw=%v: Hidden = %q, want SECRET for %q", raw, p.Hidden, c.reason)
				}
			}
		})
	}
}

// tagged spells s in Unicode tag characters.
func tagged(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(0xE0000 + r)
	}
	return b.String()
}

// TestVisibleTechniques checks look-alikes that a browser shows: they
// must stay in Markdown and out of Hidden.
func TestVisibleTechniques(t *testing.T) {
	for _, c := range []struct {
		name, style, html string
	}{
		{name: "display block", html: `<div style="display:block">SHOWN</div>`},
		{name: "aria-hidden false", html: `<span aria-hidden="false">SHOWN</span>`},
		{name: "half opacity", html: `<p style="opacity:0.5">SHOWN</p>`},
		{name: "zero width without overflow", html: `<div style="width:0">SHOWN</div>`},
		{name: "small negative offset", html: `<div style="position:absolute;left:-20px">SHOWN</div>`},
		{name: "negative offset not positioned", html: `<div style="left:-9999px">SHOWN</div>`},
		{name: "small text-indent", html: `<p style="text-indent:-2em">SHOWN</p>`},
		{name: "black on white", html: `<span style="color:#000;background:#fff">SHOWN</span>`},
		{name: "white on black", html: `<div style="background:black"><span style="color:#fff">SHOWN</span></div>`},
		{name: "light grey on white", html: `<span style="color:#eee">SHOWN</span>`},
		{name: "white on image", html: `<div style="background:url(hero.jpg) #fff"><span style="color:#fff">SHOWN</span></div>`},
		{name: "white on gradient", html: `<div style="background-image:linear-gradient(red, blue)"><p style="color:#fff">SHOWN</p></div>`},
		{name: "gradient text", html: `<h2 style="background:linear-gradient(red,blue);background-clip:text;color:transparent">SHOWN</h2>`},
		{name: "scale 1", html: `<div style="transform:scale(1)">SHOWN</div>`},
		{name: "filter blur", html: `<div style="filter:blur(2px)">SHOWN</div>`},
		{name: "open dialog", html: `<dialog open>SHOWN</dialog>`},
		{name: "details closed", html: `<details><summary>Sum</summary>SHOWN</details>`},
		{name: "tailwind responsive", html: `<div class="hidden md:block">SHOWN</div>`},
		{name: "bootstrap responsive", html: `<div class="d-none d-lg-block">SHOWN</div>`},
		{name: "page-defined hidden class", style: `.hidden{color:red}`, html: `<div class="hidden">SHOWN</div>`},
		{name: "stylesheet print media", style: `@media print { .x { display:none } }`, html: `<p class="x">SHOWN</p>`},
		{name: "stylesheet mobile media", style: `@media (max-width: 600px) { .x { display:none } }`, html: `<p class="x">SHOWN</p>`},
		{name: "stylesheet dark mode", style: `@media (prefers-color-scheme: dark) { .x { display:none } }`, html: `<p class="x">SHOWN</p>`},
		{name: "stylesheet pseudo-class", style: `.x:not(.open){display:none}`, html: `<p class="x">SHOWN</p>`},
		{name: "stylesheet descendant", style: `.no-js .x{display:none}`, html: `<p class="x">SHOWN</p>`},
		{name: "stylesheet attribute", style: `[data-x]{display:none}`, html: `<p data-x>SHOWN</p>`},
		{name: "stylesheet overridden by specificity", style: `.x{display:none} .x.show{display:block}`, html: `<p class="x show">SHOWN</p>`},
		{name: "stylesheet overridden by order", style: `.x{display:none} .x{display:flex}`, html: `<p class="x">SHOWN</p>`},
		{name: "stylesheet overridden inline", style: `.x{display:none}`, html: `<p class="x" style="display:block">SHOWN</p>`},
		{name: "stylesheet opacity ignored", style: `.fade{opacity:0}`, html: `<p class="fade">SHOWN</p>`},
		{name: "stylesheet font-size ignored", style: `.row{font-size:0}`, html: `<p class="row">SHOWN</p>`},
		{name: "stylesheet keyframes", style: `@keyframes f { from { opacity: 0 } } p{color:red}`, html: `<p>SHOWN</p>`},
		{name: "hidden body shown", style: `body{visibility:hidden}`, html: `<p>SHOWN</p>`},
		{name: "hidden html shown", style: `html{display:none}`, html: `<p>SHOWN</p>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			page := "<html><head><style>" + c.style + "</style></head><body><p>before</p>" + c.html + "<p>after</p></body></html>"
			p := parse(t, page, Options{Raw: true})
			if !strings.Contains(p.Markdown, "SHOWN") {
				t.Errorf("Markdown lacks the text:\n%s\nHidden: %q", p.Markdown, p.Hidden)
			}
			if len(p.Hidden) > 0 {
				t.Errorf("Hidden = %q", p.Hidden)
			}
		})
	}
	p := parse(t, `<html><head><style>body{display:none}</style></head><body><p>x</p></body></html>`, Options{})
	if !slices.ContainsFunc(p.Notes, func(n string) bool { return strings.HasPrefix(n, "the page hides its whole body") }) {
		t.Errorf("hidden body not noted: %q", p.Notes)
	}
}
