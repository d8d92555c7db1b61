package approvals

import (
	"errors"
	"testing"
)

func TestSensitiveDefaults(t *testing.T) {
	m, err := newMatcher(defaultSensitive, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		deny bool
	}{
		{"/r/.git/hooks/pre-commit", true},
		{"/r/.GIT/hooks/pre-commit", true},
		{"/r/.Git/HOOKS/post-checkout", true},
		{"/r/.git/hooks", true},
		{"/r/.git", true}, // replacing .git decides what .git/hooks holds
		{"/r/.git/config", true},
		{"/r/.git/objects/ab/cdef", false},
		{"/r/.git/HEAD", false},
		{"/r/notgit/hooks/x", false},
		{"/r/git/hooks/x", false},
		{"/r/hooks/pre-commit", false},
		{"a/.ssh/id_rsa", true},
		{"/home/u/.ssh", true},
		{"/home/u/.ssh/authorized_keys", true},
		{"/home/u/ssh/id_rsa", false},
		{"/home/u/.bashrc", true},
		{"/home/u/.BASHRC", true},
		{"/home/u/old.bashrc", false},
		{"/home/u/.bashrc.bak", false},
		{"/home/u/.profile", true},
		{"/home/u/.zshrc", true},
		{"/home/u/.config/fish/config.fish", true},
		{"/home/u/.config/other/x", false},
		{"/r/.mcp.json", true},
		{"/r/sub/.vscode/tasks.json", true},
		{"/r/.idea/workspace.xml", true},
		{"/r/.cursor/rules", true},
		{"/r/.claude/settings.json", true},
		{"/r/app.code-workspace", true},
		{"/r/App.Code-Workspace", true},
		{"/r/src/main.go", false},
		{"/r//.ssh//x", true},
		{"/r/./.ssh/./x", true},
		{"/r/x/../.ssh/key", true},
		{"/r/.ssh/../ok.txt", false},
		{"relative/.git/hooks/x", true},
		// Case folding beyond ASCII: U+212A KELVIN SIGN folds to k.
		{"/r/.git/hoo\u212as/x", true},
	}
	for _, tt := range tests {
		denied, by, _ := m.check(tt.path)
		if denied != tt.deny {
			t.Errorf("check(%q) denied = %v (by %q), want %v", tt.path, denied, by, tt.deny)
		}
	}
}

func TestAllowSensitive(t *testing.T) {
	tests := []struct {
		name     string
		deny     []string
		allow    []string
		path     string
		denied   bool
		exempted bool
		deniedBy string
	}{
		{"whole dir", []string{".vscode/"}, []string{".vscode/"}, "/r/.vscode/tasks.json", false, true, ""},
		{"one file", []string{".vscode/"}, []string{".vscode/settings.json"}, "/r/.vscode/settings.json", false, true, ""},
		{"other file", []string{".vscode/"}, []string{".vscode/settings.json"}, "/r/.vscode/tasks.json", true, false, ".vscode/"},
		{"dir itself", []string{".vscode/"}, []string{".vscode/settings.json"}, "/r/.vscode", true, false, ".vscode/"},
		{"nested other", []string{".vscode/", ".git/hooks/"}, []string{".vscode/"}, "/r/.vscode/.git/hooks/x", true, false, ".git/hooks/"},
		{"unrelated allow", []string{".ssh/"}, []string{"docs/"}, "/r/.ssh/docs/key", true, false, ".ssh/"},
		{"partial needs cover", []string{".git/hooks/"}, []string{"hooks/"}, "/r/.git/hooks/x", true, false, ".git/hooks/"},
		{"case-insensitive allow", []string{".git/hooks/"}, []string{".GIT/Hooks"}, "/r/.git/hooks/x", false, true, ""},
		{"both occurrences", []string{".ssh/"}, []string{"a/.ssh/"}, "/a/.ssh/b/.ssh/k", true, false, ".ssh/"},
		{"wildcard allow", []string{".vscode/"}, []string{".vscode/*.json"}, "/r/.vscode/launch.json", false, true, ""},
		{"not sensitive", []string{".ssh/"}, []string{".ssh/"}, "/r/src/x", false, false, ""},
	}
	for _, tt := range tests {
		m, err := newMatcher(tt.deny, tt.allow)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		denied, by, ex := m.check(tt.path)
		if denied != tt.denied || ex != tt.exempted || by != tt.deniedBy {
			t.Errorf("%s: check(%q) = %v, %q, %v; want %v, %q, %v", tt.name, tt.path, denied, by, ex, tt.denied, tt.deniedBy, tt.exempted)
		}
	}
}

func TestBadPatterns(t *testing.T) {
	for _, p := range []string{"", "/", "./", "a/../b", "[", "a/[z-"} {
		if _, err := parsePattern(p); !errors.Is(err, ErrBadPattern) {
			t.Errorf("parsePattern(%q) error = %v, want ErrBadPattern", p, err)
		}
	}
	for _, p := range []string{".ssh", "/.ssh/", "a/b/c", "*.pem", "id_[rd]sa*", ".git//hooks"} {
		if _, err := parsePattern(p); err != nil {
			t.Errorf("parsePattern(%q): %v", p, err)
		}
	}
}

func TestSpans(t *testing.T) {
	p, _ := parsePattern(".git/hooks/")
	comps := components("/a/.git/hooks/.git")
	got := p.spans(comps, true)
	want := []span{{1, 2}, {3, 3}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("spans = %v, want %v", got, want)
	}
	if got := p.spans(comps, false); len(got) != 1 {
		t.Errorf("spans without partial = %v", got)
	}
}
