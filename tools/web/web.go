// Package web defines the browser tools: web_fetch, browser_navigate,
// browser_back, browser_find and browser_links. They run in the guest,
// which fetches and converts pages itself; the host's part is the door.
// Before a call reaches the guest the session's egress policy decides
// whether the URL's host may be reached (asking the user when the policy
// says ask); while the call runs, every connection the guest opens is
// tied to it and checked again by the egress gate, so redirects and
// other hosts get no pass.
package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm/guestclient"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Egress is what the browser tools need from the session: its door to
// the web.
type Egress interface {
	// Allow decides whether call c may reach host:port. It returns nil,
	// nil to go ahead; a result to return instead (a question to the
	// user, whose answer comes back with the retried call); or an error
	// (refused, with a message for the model).
	Allow(ctx context.Context, c *tools.Call, host string, port int) (*mcp.CallToolResult, error)
	// Begin prepares the guest for web calls (trust roots, once per VM)
	// and registers a call: connections the guest opens with the
	// returned id are served for it until end is called. end returns the
	// first host the guest tried that needs the user's approval, if any.
	Begin(ctx context.Context, c *tools.Call, a *guestclient.Client) (callID string, end func() (askHost string, askPort int), err error)
}

// EgressSession is a tools.Session with web access.
type EgressSession interface {
	tools.Session
	Egress() Egress
}

// Catalog returns the browser tools.
func Catalog() []tools.Tool {
	return []tools.Tool{webFetch(), browserNavigate(), browserBack(), browserFind(), browserLinks()}
}

var webAnn = tools.Annotations{ReadOnly: true, OpenWorld: true}

type fetchArgs struct {
	URL        string `json:"url" jsonschema:"required" jsonschema_description:"The http or https URL to fetch"`
	MaxLength  int    `json:"max_length,omitempty" jsonschema:"minimum=1,maximum=200000" jsonschema_description:"Maximum number of characters to return (default 5000)"`
	StartIndex int    `json:"start_index,omitempty" jsonschema:"minimum=0" jsonschema_description:"Return output starting at this character index, to page through long content (default 0)"`
	Raw        bool   `json:"raw,omitempty" jsonschema_description:"Return the whole page converted to markdown, without extracting the main content (default false)"`
}

func (a *fetchArgs) Validate() error {
	if a.MaxLength < 0 || a.StartIndex < 0 {
		return tools.Userf("max_length and start_index must not be negative")
	}
	if a.MaxLength > 200000 {
		return tools.Userf("max_length is at most 200000")
	}
	_, _, err := target(a.URL)
	return err
}

type navigateArgs struct {
	URL        string `json:"url" jsonschema:"required" jsonschema_description:"The http or https URL to open"`
	MaxLength  int    `json:"max_length,omitempty" jsonschema:"minimum=1,maximum=200000" jsonschema_description:"Maximum number of characters of page text to return (default 20000)"`
	StartIndex int    `json:"start_index,omitempty" jsonschema:"minimum=0" jsonschema_description:"Return page text starting at this character index (default 0)"`
}

func (a *navigateArgs) Validate() error {
	f := fetchArgs{URL: a.URL, MaxLength: a.MaxLength, StartIndex: a.StartIndex}
	return f.Validate()
}

type noArgs struct{}

type findArgs struct {
	Text    string `json:"text" jsonschema:"required" jsonschema_description:"Text to search for in the current page (case-insensitive)"`
	Context int    `json:"context,omitempty" jsonschema:"minimum=0,maximum=1000" jsonschema_description:"Characters of context around each match (default 80)"`
	Max     int    `json:"max_results,omitempty" jsonschema:"minimum=1,maximum=200" jsonschema_description:"Maximum matches to return (default 20)"`
}

func (a *findArgs) Validate() error {
	if strings.TrimSpace(a.Text) == "" {
		return tools.Userf("text must not be empty")
	}
	if a.Context < 0 || a.Context > 1000 || a.Max < 0 || a.Max > 200 {
		return tools.Userf("context must be 0..1000 and max_results 1..200")
	}
	return nil
}

type linksArgs struct {
	Filter string `json:"filter,omitempty" jsonschema_description:"Only links whose text or URL contains this (case-insensitive)"`
	Max    int    `json:"max_results,omitempty" jsonschema:"minimum=1,maximum=300" jsonschema_description:"Maximum links to return (default 100)"`
}

func (a *linksArgs) Validate() error {
	if a.Max < 0 || a.Max > 300 {
		return tools.Userf("max_results must be 1..300")
	}
	return nil
}

// target parses a URL the model gave and returns its host and port.
func target(raw string) (string, int, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return "", 0, tools.Userf("invalid URL %q: %v", raw, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", 0, tools.Userf("invalid URL %q: only http and https URLs can be fetched", raw)
	case u.Hostname() == "":
		return "", 0, tools.Userf("invalid URL %q: no host", raw)
	case u.User != nil:
		return "", 0, tools.Userf("invalid URL %q: URLs with user names or passwords are refused", raw)
	}
	port := 80
	if u.Scheme == "https" {
		port = 443
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, tools.Userf("invalid URL %q: bad port", raw)
		}
		port = n
	}
	return u.Hostname(), port, nil
}

func egressOf(c *tools.Call) (Egress, error) {
	s, ok := c.Env.Session.(EgressSession)
	if !ok || s.Egress() == nil {
		return nil, tools.Userf("web access is not available in this session")
	}
	return s.Egress(), nil
}

// fetchPage runs a fetch or navigate operation in the guest behind the
// egress checks. A non-nil question means: return it, the user must
// answer first.
func fetchPage(ctx context.Context, c *tools.Call, op, rawURL string, args guestproto.FetchArgs) (*guestproto.PageResult, *mcp.CallToolResult, error) {
	eg, err := egressOf(c)
	if err != nil {
		return nil, nil, err
	}
	host, port, err := target(rawURL)
	if err != nil {
		return nil, nil, err
	}
	c.Paths = append(c.Paths, rawURL)
	if q, err := eg.Allow(ctx, c, host, port); q != nil || err != nil {
		return nil, q, err
	}
	a, err := c.Agent(ctx)
	if err != nil {
		return nil, nil, err
	}
	callID, end, err := eg.Begin(ctx, c, a)
	if err != nil {
		return nil, nil, err
	}
	args.CallID = callID
	var page guestproto.PageResult
	err = a.Call(ctx, op, args, &page)
	askHost, askPort := end()
	if err != nil {
		if askHost != "" {
			// A redirect or another connection went to a host nobody
			// has approved: ask about it, then the retried call runs.
			if q, aerr := eg.Allow(ctx, c, askHost, askPort); q != nil || aerr != nil {
				return nil, q, aerr
			}
		}
		return nil, nil, webError(rawURL, err)
	}
	return &page, nil, nil
}

// webError explains a failed web call to the model. The guest's message
// can carry text a server chose (a certificate name, a redirect target),
// so it is shown quoted, escaped and cut.
func webError(rawURL string, err error) error {
	if ge, ok := err.(*guestproto.Error); ok {
		msg := ge.Message
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		return tools.Userf("fetching %s failed (%s): %s", rawURL, ge.Code, approvals.Quote(msg))
	}
	return err
}

// pageResult is the tools.Result for a page: its text for the model, with
// what the page hid handed to the scanner as evidence.
func pageResult(text string, p *guestproto.PageResult) tools.Result {
	r := tools.Result{Text: text, Untrusted: true, Kind: "markdown", RemovedHidden: len(p.Hidden)}
	if len(p.Hidden) > 0 {
		// The classifier weighs hidden text as hidden: give it back in
		// the hidden form the page used, as HTML the model never sees.
		var b strings.Builder
		for _, h := range p.Hidden {
			fmt.Fprintf(&b, "<div style=\"display:none\" data-reason=%q>%s</div>\n", h.Reason, htmlEscape(h.Text))
		}
		r.Source, r.SourceKind = b.String(), "html"
	}
	r.Structured = map[string]any{"url": p.URL, "status": p.Status, "title": p.Title}
	return r
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func webFetch() tools.Tool {
	return tools.Define("web_fetch", "Fetch Web Page",
		"Fetch a URL from the internet inside the isolated VM and return its main content as markdown. "+
			"Long pages are returned in parts: use start_index to read on. raw=true converts the whole page. "+
			"Access goes through airlock's egress policy; unknown hosts may need the user's approval.",
		webAnn,
		func(ctx context.Context, c *tools.Call, a fetchArgs) (tools.Result, error) {
			p, q, err := fetchPage(ctx, c, guestproto.OpWebFetch, a.URL, guestproto.FetchArgs{
				URL: a.URL, MaxLength: a.MaxLength, StartIndex: a.StartIndex, Raw: a.Raw})
			if q != nil || err != nil {
				return tools.Result{Question: q}, err
			}
			var b strings.Builder
			fmt.Fprintf(&b, "Contents of %s", p.URL)
			if p.Status != 200 {
				fmt.Fprintf(&b, " (HTTP %d)", p.Status)
			}
			b.WriteString(":\n")
			b.WriteString(p.Markdown)
			if p.NextIndex > 0 {
				fmt.Fprintf(&b, "\n\n[Content truncated: %d of %d characters shown. Call web_fetch with start_index=%d to read more.]",
					p.NextIndex-p.StartIndex, p.TotalLength, p.NextIndex)
			}
			return pageResult(b.String(), p), nil
		})
}

// renderPage formats a browser page: title, address, metadata, text and
// numbered links.
func renderPage(p *guestproto.PageResult) string {
	var b strings.Builder
	title := p.Title
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(&b, "# %s\nURL: %s\n", title, p.URL)
	if p.Status != 200 {
		fmt.Fprintf(&b, "HTTP status: %d\n", p.Status)
	}
	for _, k := range []string{"description", "author", "published", "site_name"} {
		if v := p.Meta[k]; v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	if len(p.Redirects) > 0 {
		fmt.Fprintf(&b, "redirected via: %s\n", strings.Join(p.Redirects, " -> "))
	}
	b.WriteString("\n")
	b.WriteString(p.Markdown)
	if p.NextIndex > 0 {
		fmt.Fprintf(&b, "\n\n[Page text truncated: %d of %d characters shown. Call browser_navigate with start_index=%d, or browser_find, to read more.]",
			p.NextIndex-p.StartIndex, p.TotalLength, p.NextIndex)
	}
	if len(p.Links) > 0 {
		b.WriteString("\n\nLinks:\n")
		for i, l := range p.Links {
			if i == 50 {
				fmt.Fprintf(&b, "... %d more: use browser_links\n", len(p.Links)-50)
				break
			}
			fmt.Fprintf(&b, "[%d] %s <%s>\n", l.N, l.Text, l.URL)
		}
	}
	return b.String()
}

func browserNavigate() tools.Tool {
	return tools.Define("browser_navigate", "Open Web Page",
		"Open a URL in the sandbox browser (inside the isolated VM): returns the title, metadata, main text as markdown and numbered links. "+
			"The page becomes the current page for browser_find, browser_links and browser_back.",
		webAnn,
		func(ctx context.Context, c *tools.Call, a navigateArgs) (tools.Result, error) {
			p, q, err := fetchPage(ctx, c, guestproto.OpBrowserNavigate, a.URL, guestproto.FetchArgs{
				URL: a.URL, MaxLength: a.MaxLength, StartIndex: a.StartIndex})
			if q != nil || err != nil {
				return tools.Result{Question: q}, err
			}
			return pageResult(renderPage(p), p), nil
		})
}

func browserBack() tools.Tool {
	return tools.Define("browser_back", "Go Back",
		"Go back to the previous page in this session's browser history (no new request is made).",
		webAnn,
		func(ctx context.Context, c *tools.Call, _ noArgs) (tools.Result, error) {
			a, err := c.Agent(ctx)
			if err != nil {
				return tools.Result{}, err
			}
			var p guestproto.PageResult
			if err := a.Call(ctx, guestproto.OpBrowserBack, guestproto.FetchArgs{}, &p); err != nil {
				return tools.Result{}, webError("the previous page", err)
			}
			c.Paths = append(c.Paths, p.URL)
			return pageResult(renderPage(&p), &p), nil
		})
}

func browserFind() tools.Tool {
	return tools.Define("browser_find", "Find in Page",
		"Search the current page's text for a string (case-insensitive) and return each match with surrounding context.",
		webAnn,
		func(ctx context.Context, c *tools.Call, a findArgs) (tools.Result, error) {
			ag, err := c.Agent(ctx)
			if err != nil {
				return tools.Result{}, err
			}
			var r guestproto.FindTextResult
			if err := ag.Call(ctx, guestproto.OpBrowserFind, guestproto.FindTextArgs{Query: a.Text, Context: a.Context, Max: a.Max}, &r); err != nil {
				return tools.Result{}, webError("the current page", err)
			}
			c.Paths = append(c.Paths, r.URL)
			var b strings.Builder
			total := fmt.Sprint(r.Total)
			if r.Total >= 1000 {
				total = "1000 or more"
			}
			fmt.Fprintf(&b, "%s match(es) for %q in %s", total, a.Text, r.URL)
			if len(r.Matches) < r.Total {
				fmt.Fprintf(&b, " (showing %d)", len(r.Matches))
			}
			b.WriteString("\n")
			for _, m := range r.Matches {
				fmt.Fprintf(&b, "\nline %d: %s\n", m.Line, m.Text)
			}
			return tools.Result{Text: b.String(), Untrusted: true, Kind: "markdown"}, nil
		})
}

func browserLinks() tools.Tool {
	return tools.Define("browser_links", "List Page Links",
		"List the numbered links of the current page, optionally only those whose text or URL contains a filter.",
		webAnn,
		func(ctx context.Context, c *tools.Call, a linksArgs) (tools.Result, error) {
			ag, err := c.Agent(ctx)
			if err != nil {
				return tools.Result{}, err
			}
			var r guestproto.LinksResult
			if err := ag.Call(ctx, guestproto.OpBrowserLinks, guestproto.LinksArgs{Filter: a.Filter, Max: a.Max}, &r); err != nil {
				return tools.Result{}, webError("the current page", err)
			}
			c.Paths = append(c.Paths, r.URL)
			var b strings.Builder
			fmt.Fprintf(&b, "%d link(s) in %s", r.Total, r.URL)
			if a.Filter != "" {
				fmt.Fprintf(&b, " matching %q", a.Filter)
			}
			if len(r.Links) < r.Total {
				fmt.Fprintf(&b, " (showing %d)", len(r.Links))
			}
			b.WriteString(":\n")
			for _, l := range r.Links {
				fmt.Fprintf(&b, "[%d] %s <%s>\n", l.N, l.Text, l.URL)
			}
			return tools.Result{Text: b.String(), Untrusted: true}, nil
		})
}
