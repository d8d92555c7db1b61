package approvals

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrBadPattern reports a sensitive-path pattern that cannot be used.
var ErrBadPattern = errors.New("approvals: bad path pattern")

// defaultSensitive is the default Policy.Sensitive list: places where a
// written file is later run or trusted by the host (git hooks and config,
// shell start-up files, editor, agent and MCP client configuration,
// direnv, desktop autostart, dev containers) or that hold credentials
// whose configuration can also run commands (ssh, gpg, aws, kubectl).
var defaultSensitive = []string{
	".git/hooks/", ".git/config", ".gitconfig", ".config/git/",
	".ssh/", ".gnupg/", ".aws/", ".kube/", ".netrc",
	".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile",
	".zshrc", ".zprofile", ".zshenv", ".zlogin", ".zlogout", ".config/fish/",
	".envrc", ".config/autostart/",
	".mcp.json", ".vscode/", "*.code-workspace", ".idea/", ".cursor/", ".claude/",
	".devcontainer/",
}

// A pattern is a parsed sensitive-path pattern. The package documentation
// (section "Sensitive paths") states the matching rule.
type pattern struct {
	raw   string
	comps []string
}

// fold maps s to the form used for case-insensitive comparison.
func fold(s string) string {
	return strings.ToLower(strings.ToUpper(s))
}

// components splits a cleaned path into folded components.
func components(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, fold(c))
		}
	}
	return out
}

// parsePattern checks and parses one pattern.
func parsePattern(raw string) (pattern, error) {
	comps := components(raw)
	if len(comps) == 0 {
		return pattern{}, fmt.Errorf("%w %s: no path components", ErrBadPattern, quote(raw))
	}
	for _, c := range comps {
		if c == ".." {
			return pattern{}, fmt.Errorf("%w %s: \"..\" is not allowed", ErrBadPattern, quote(raw))
		}
		if _, err := path.Match(c, ""); err != nil {
			return pattern{}, fmt.Errorf("%w %s: %w", ErrBadPattern, quote(raw), err)
		}
	}
	return pattern{raw: raw, comps: comps}, nil
}

// parsePatterns parses every pattern in raws.
func parsePatterns(raws []string) ([]pattern, error) {
	out := make([]pattern, 0, len(raws))
	for _, r := range raws {
		p, err := parsePattern(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// A span is a run of path components, first and last index inclusive.
type span struct{ first, last int }

// spans returns the runs of comps that p matches; with partial, runs at
// the end of comps that match a proper leading part of p are included.
func (p pattern) spans(comps []string, partial bool) []span {
	var out []span
	for i := range comps {
		k := 0
		for k < len(p.comps) && i+k < len(comps) {
			if ok, _ := path.Match(p.comps[k], comps[i+k]); !ok {
				break
			}
			k++
		}
		switch {
		case k == len(p.comps):
			out = append(out, span{i, i + k - 1})
		case partial && k > 0 && i+k == len(comps):
			out = append(out, span{i, len(comps) - 1})
		}
	}
	return out
}

// matcher applies sensitive and allow patterns to paths.
type matcher struct {
	deny, allow []pattern
}

// newMatcher parses the sensitive and allow lists.
func newMatcher(sensitive, allow []string) (matcher, error) {
	d, err := parsePatterns(sensitive)
	if err != nil {
		return matcher{}, fmt.Errorf("sensitive: %w", err)
	}
	a, err := parsePatterns(allow)
	if err != nil {
		return matcher{}, fmt.Errorf("allowSensitive: %w", err)
	}
	return matcher{deny: d, allow: a}, nil
}

// check reports whether p is denied, and if so by which pattern, and
// whether it matched a sensitive pattern that an allow pattern exempted.
func (m matcher) check(p string) (denied bool, by string, exempted bool) {
	comps := components(path.Clean("/" + p))
	var allowed []span
	for _, a := range m.allow {
		allowed = append(allowed, a.spans(comps, false)...)
	}
	for _, d := range m.deny {
		for _, s := range d.spans(comps, true) {
			if !covered(s, allowed) {
				return true, d.raw, false
			}
			exempted = true
		}
	}
	return false, "", exempted
}

// covered reports whether one of the spans in allowed contains s.
func covered(s span, allowed []span) bool {
	for _, a := range allowed {
		if a.first <= s.first && a.last >= s.last {
			return true
		}
	}
	return false
}
