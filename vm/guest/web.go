package guest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/airlock-dev/airlock/vm/guest/webpage"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

// Web limits.
const (
	maxBody            = 8 << 20 // response bytes read
	maxRedirects       = 10
	maxHistory         = 50
	defaultFetchLen    = 5000 // characters, as the reference fetch server
	defaultNavigateLen = 20000
	maxSliceLen        = 200000
	maxLinks           = 300
	maxHiddenItems     = 50
	defaultUserAgent   = "Mozilla/5.0 (compatible; airlock-sandbox; +MCP)"
)

// webState is the session's browser: trust roots and page history. The
// VM serves one session, so this is per session.
type webState struct {
	mu      sync.Mutex
	roots   *x509.CertPool
	ua      string
	history []*guestproto.PageResult // full pages (whole markdown)
	cur     int                      // index of the current page; -1 when none
}

func (s *server) webConfig(a guestproto.WebConfig) (any, error) {
	pool := x509.NewCertPool()
	if a.RootCAs != "" && !pool.AppendCertsFromPEM([]byte(a.RootCAs)) {
		return nil, protoErr(guestproto.CodeInvalid, "no certificate in the root CA bundle")
	}
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	s.web.roots = pool
	s.web.ua = a.UserAgent
	return struct{}{}, nil
}

// fetch gets a URL through the egress proxy and converts it.
func (s *server) fetch(ctx context.Context, a guestproto.FetchArgs) (*guestproto.PageResult, error) {
	u, err := url.Parse(a.URL)
	switch {
	case err != nil:
		return nil, protoErr(guestproto.CodeInvalid, "bad URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, protoErr(guestproto.CodeInvalid, "only http and https URLs can be fetched, not %q", u.Scheme)
	case u.Host == "":
		return nil, protoErr(guestproto.CodeInvalid, "the URL has no host")
	case u.User != nil:
		return nil, protoErr(guestproto.CodeInvalid, "URLs with credentials are refused")
	}
	if s.proxy == nil {
		return nil, protoErr(guestproto.CodeUnsupported, "this sandbox has no egress proxy")
	}
	s.web.mu.Lock()
	roots, ua := s.web.roots, s.web.ua
	s.web.mu.Unlock()
	if ua == "" {
		ua = defaultUserAgent
	}
	if roots == nil && u.Scheme == "https" {
		return nil, protoErr(guestproto.CodeUnsupported, "no trusted certificate authorities configured for HTTPS")
	}
	var redirects []string
	client := &http.Client{
		Transport: &http.Transport{
			Proxy: nil, // the dialer below is the only way out
			DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
				return dialViaProxy(ctx, s.proxy.Addr(), a.CallID, addr)
			},
			TLSClientConfig:        &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    15 * time.Second,
			ResponseHeaderTimeout:  30 * time.Second,
			DisableKeepAlives:      true,
			MaxResponseHeaderBytes: 1 << 20,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to a %q URL", req.URL.Scheme)
			}
			redirects = append(redirects, req.URL.String())
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, protoErr(guestproto.CodeInvalid, "bad URL: %v", err)
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fetchError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fetchError(err)
	}
	var notes []string
	if len(body) > maxBody {
		body = body[:maxBody]
		notes = append(notes, fmt.Sprintf("the response was cut at %d bytes", maxBody))
	}
	ctype := resp.Header.Get("Content-Type")
	page, err := webpage.Parse(body, ctype, resp.Request.URL, webpage.Options{Raw: a.Raw})
	if errors.Is(err, webpage.ErrBinary) {
		return nil, protoErr(guestproto.CodeUnsupported, "%s is binary content (%s) and cannot be shown as text", resp.Request.URL, ctype)
	}
	if err != nil {
		return nil, protoErr(guestproto.CodeInvalid, "convert page: %v", err)
	}
	r := &guestproto.PageResult{
		URL: resp.Request.URL.String(), Status: resp.StatusCode, ContentType: ctype,
		Title: page.Title, Meta: page.Meta, Markdown: page.Markdown,
		TotalLength: utf8.RuneCountInString(page.Markdown),
		Notes:       append(notes, page.Notes...), Redirects: redirects,
	}
	for _, l := range page.Links {
		if len(r.Links) == maxLinks {
			r.Notes = append(r.Notes, fmt.Sprintf("only the first %d links are listed", maxLinks))
			break
		}
		r.Links = append(r.Links, guestproto.Link{N: l.N, Text: l.Text, URL: l.URL})
	}
	for _, h := range page.Hidden {
		if len(r.Hidden) == maxHiddenItems {
			break
		}
		r.Hidden = append(r.Hidden, guestproto.Hidden{Reason: h.Reason, Text: h.Text})
	}
	return r, nil
}

// fetchError turns an HTTP client error into a protocol error, keeping
// the host's refusal readable.
func fetchError(err error) error {
	var eg *EgressError
	if errors.As(err, &eg) {
		return protoErr(guestproto.CodeNetwork, "%s", eg.Error())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return protoErr(guestproto.CodeNetwork, "%v", err)
}

// slice returns a copy of page with only the requested part of its
// markdown, and the index where the next part starts.
func slice(page *guestproto.PageResult, start, limit, dflt int) guestproto.PageResult {
	if limit <= 0 {
		limit = dflt
	}
	limit = min(limit, maxSliceLen)
	out := *page
	start = min(max(start, 0), page.TotalLength)
	// Walk runes; markdown is at most a few MiB.
	i, n := 0, 0
	for n < start && i < len(page.Markdown) {
		_, w := utf8.DecodeRuneInString(page.Markdown[i:])
		i += w
		n++
	}
	j, m := i, 0
	for m < limit && j < len(page.Markdown) {
		_, w := utf8.DecodeRuneInString(page.Markdown[j:])
		j += w
		m++
	}
	out.Markdown = page.Markdown[i:j]
	out.StartIndex = start
	out.NextIndex = 0
	if j < len(page.Markdown) {
		out.NextIndex = start + m
	}
	return out
}

func (s *server) webFetch(ctx context.Context, a guestproto.FetchArgs) (any, error) {
	p, err := s.fetch(ctx, a)
	if err != nil {
		return nil, err
	}
	r := slice(p, a.StartIndex, a.MaxLength, defaultFetchLen)
	return fitPage(&r)
}

func (s *server) navigate(ctx context.Context, a guestproto.FetchArgs) (any, error) {
	p, err := s.fetch(ctx, a)
	if err != nil {
		return nil, err
	}
	s.web.mu.Lock()
	// A new page drops the pages after the current one, as a browser does.
	s.web.history = append(s.web.history[:s.web.cur+1], p)
	if len(s.web.history) > maxHistory {
		s.web.history = s.web.history[len(s.web.history)-maxHistory:]
	}
	s.web.cur = len(s.web.history) - 1
	r := slice(p, a.StartIndex, a.MaxLength, defaultNavigateLen)
	r.HistoryLen = len(s.web.history)
	s.web.mu.Unlock()
	return fitPage(&r)
}

func (s *server) back(a guestproto.FetchArgs) (any, error) {
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	if s.web.cur <= 0 {
		return nil, protoErr(guestproto.CodeInvalid, "there is no previous page in this session's history")
	}
	s.web.cur--
	r := slice(s.web.history[s.web.cur], a.StartIndex, a.MaxLength, defaultNavigateLen)
	r.HistoryLen = len(s.web.history)
	return fitPage(&r)
}

// current returns the current page, or an error when there is none.
func (s *server) current() (*guestproto.PageResult, error) {
	s.web.mu.Lock()
	defer s.web.mu.Unlock()
	if s.web.cur < 0 || s.web.cur >= len(s.web.history) {
		return nil, protoErr(guestproto.CodeInvalid, "no page is open: call browser_navigate first")
	}
	return s.web.history[s.web.cur], nil
}

func (s *server) findText(a guestproto.FindTextArgs) (any, error) {
	p, err := s.current()
	if err != nil {
		return nil, err
	}
	if a.Query == "" {
		return nil, protoErr(guestproto.CodeInvalid, "empty query")
	}
	if a.Context <= 0 {
		a.Context = 80
	}
	if a.Max <= 0 {
		a.Max = 20
	}
	// Find stops at 1000 matches; Total is then a lower bound.
	all := webpage.Find(p.Markdown, a.Query, min(a.Context, 1000), 1000)
	r := guestproto.FindTextResult{URL: p.URL, Total: len(all)}
	for _, m := range all[:min(len(all), a.Max, 200)] {
		r.Matches = append(r.Matches, guestproto.TextMatch{Line: m.Line, Text: m.Text})
	}
	return r, fitResult(&r, len(r.Matches), func(n int) { r.Matches = r.Matches[:n] })
}

func (s *server) links(a guestproto.LinksArgs) (any, error) {
	p, err := s.current()
	if err != nil {
		return nil, err
	}
	if a.Max <= 0 {
		a.Max = 100
	}
	var ls []webpage.Link
	for _, l := range p.Links {
		ls = append(ls, webpage.Link{N: l.N, Text: l.Text, URL: l.URL})
	}
	ls = webpage.FilterLinks(ls, a.Filter)
	r := guestproto.LinksResult{URL: p.URL, Total: len(ls)}
	for _, l := range ls[:min(len(ls), a.Max, maxLinks)] {
		r.Links = append(r.Links, guestproto.Link{N: l.N, Text: l.Text, URL: l.URL})
	}
	return r, fitResult(&r, len(r.Links), func(n int) { r.Links = r.Links[:n] })
}

// fitPage trims links, then hidden records, then markdown so the page
// fits in one frame.
func fitPage(r *guestproto.PageResult) (any, error) {
	if err := fitResult(r, len(r.Links), func(n int) { r.Links = r.Links[:n] }); err == nil {
		return r, nil
	}
	r.Hidden = nil
	for len(r.Markdown) > 0 {
		if err := fitResult(r, 0, func(int) {}); err == nil {
			return r, nil
		}
		cut := len(r.Markdown) / 2
		for cut > 0 && !utf8.RuneStart(r.Markdown[cut]) {
			cut--
		}
		r.Markdown = r.Markdown[:cut]
		r.NextIndex = r.StartIndex + utf8.RuneCountInString(r.Markdown)
	}
	return r, fitResult(r, 0, func(int) {})
}
