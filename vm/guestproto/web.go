package guestproto

// Web operations. The guest fetches pages itself (HTTP, TLS, HTML to
// markdown), but it has no network card: every connection it makes goes
// through its loopback CONNECT proxy, which opens a stream to the host
// with OpDial. The host's egress gate alone decides whether to connect.
const (
	OpWebConfig       = "web.config"       // WebConfig -> empty: trust roots for TLS, sent once per VM before the first fetch
	OpWebFetch        = "web.fetch"        // FetchArgs -> PageResult
	OpBrowserNavigate = "browser.navigate" // FetchArgs -> PageResult; pushes the page on the session's history
	OpBrowserBack     = "browser.back"     // WebCallArgs -> PageResult: the previous page, from history (no refetch)
	OpBrowserFind     = "browser.find"     // FindTextArgs -> FindTextResult, in the current page
	OpBrowserLinks    = "browser.links"    // LinksArgs -> LinksResult, of the current page

	// OpDial is the one request the guest sends to the host: on a stream
	// the guest opens, DialArgs -> empty Response; then the stream
	// carries the connection's bytes both ways until either side closes.
	OpDial = "net.dial"

	// OpProbeNet is a self-test probe: from inside the guest, try a raw
	// TCP connection and a DNS lookup that bypass the proxy.
	OpProbeNet = "probe.net" // ProbeNetArgs -> ProbeNetResult
)

// WebConfig configures the guest's HTTP client.
type WebConfig struct {
	// RootCAs is a PEM bundle of trusted certificate authorities (the
	// host's system bundle, plus any extra the host was given).
	RootCAs   string `json:"rootCAs"`
	UserAgent string `json:"userAgent,omitempty"`
}

// WebCallArgs carries the host's id for the tool call a web operation
// serves. The guest puts it on every connection it opens for the call, so
// the host can tie each dial to a call in progress (and refuse dials that
// belong to none).
type WebCallArgs struct {
	CallID string `json:"callId"`
}

// FetchArgs fetches (or navigates to) a URL.
type FetchArgs struct {
	WebCallArgs
	URL        string `json:"url"`
	MaxLength  int    `json:"maxLength,omitempty"`  // characters of markdown to return (default 5000 for fetch, 20000 for navigate)
	StartIndex int    `json:"startIndex,omitempty"` // character offset into the markdown, to page through it
	Raw        bool   `json:"raw,omitempty"`        // the response body as text, without readability extraction
}

// Link is one numbered link of a page.
type Link struct {
	N    int    `json:"n"`
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Hidden is text a page hid from a human reader, which the guest removed.
type Hidden struct {
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

// PageResult is a fetched page, converted for a model to read.
type PageResult struct {
	URL         string            `json:"url"`    // after redirects
	Status      int               `json:"status"` // HTTP status
	ContentType string            `json:"contentType"`
	Title       string            `json:"title,omitempty"`
	Meta        map[string]string `json:"meta,omitempty"`
	Markdown    string            `json:"markdown"`    // the requested slice of the page's text
	TotalLength int               `json:"totalLength"` // characters of text in the whole page
	StartIndex  int               `json:"startIndex"`
	NextIndex   int               `json:"nextIndex,omitempty"` // where the next slice starts; 0 when this is the end
	Links       []Link            `json:"links,omitempty"`
	Hidden      []Hidden          `json:"hidden,omitempty"`
	Notes       []string          `json:"notes,omitempty"`
	Redirects   []string          `json:"redirects,omitempty"`
	HistoryLen  int               `json:"historyLen,omitempty"` // pages in the browser history after this call
}

// FindTextArgs searches the current page.
type FindTextArgs struct {
	Query   string `json:"query"`
	Context int    `json:"context,omitempty"` // characters around each match (default 80)
	Max     int    `json:"max,omitempty"`     // matches to return (default 20)
}

// TextMatch is one match of FindTextArgs.
type TextMatch struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

// FindTextResult lists the matches in the current page.
type FindTextResult struct {
	URL     string      `json:"url"`
	Matches []TextMatch `json:"matches"`
	Total   int         `json:"total"`
}

// LinksArgs filters the current page's links by a substring of their
// text or URL ("" lists all).
type LinksArgs struct {
	Filter string `json:"filter,omitempty"`
	Max    int    `json:"max,omitempty"` // default 100
}

// LinksResult is the filtered link list.
type LinksResult struct {
	URL   string `json:"url"`
	Links []Link `json:"links"`
	Total int    `json:"total"`
}

// DialArgs asks the host to connect to Host:Port for the tool call CallID.
type DialArgs struct {
	CallID string `json:"callId"`
	Host   string `json:"host"`
	Port   int    `json:"port"`
}

// ProbeNetArgs names what the network probe tries.
type ProbeNetArgs struct {
	Addr string `json:"addr"` // raw TCP connect target, "IP:port"
	Name string `json:"name"` // host name to resolve
}

// ProbeNetResult reports how each attempt failed ("" means it succeeded).
type ProbeNetResult struct {
	DialErr    string `json:"dialErr"`
	LookupErr  string `json:"lookupErr"`
	Interfaces string `json:"interfaces"` // the guest's network interfaces and addresses
}
