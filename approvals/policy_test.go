package approvals

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func file(path string, size int64) Item {
	return Item{Path: path, Exists: true, Size: size}
}

func dir(path string, files int, bytes int64) Item {
	return Item{Path: path, Exists: true, IsDir: true, Files: files, Bytes: bytes}
}

func plan(kinds []Kind, items ...Item) Plan {
	return Plan{Tool: "t", Kinds: kinds, Items: items}
}

func grantOf(ks ...Kind) func(Kind) bool {
	return func(k Kind) bool { return slices.Contains(ks, k) }
}

func manyFiles(n int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{Path: "/r/new" + string(rune('a'+i))}
	}
	return items
}

func TestDecide(t *testing.T) {
	def := DefaultPolicy()
	exempt := DefaultPolicy()
	exempt.AllowSensitive = []string{".vscode/settings.json"}
	exemptAsk := exempt
	exemptAsk.Ask = append(slices.Clone(exempt.Ask), KindSensitive)
	pre := DefaultPolicy()
	pre.PreApproved = []Kind{KindDelete, KindOverwrite}
	var zero Policy

	tests := []struct {
		name    string
		pol     Policy
		plan    Plan
		granted func(Kind) bool
		want    Action
		reason  string // substring
	}{
		{"write new file", def, plan([]Kind{KindWrite}, Item{Path: "/r/new.txt"}), nil, Allow, ByPolicyAllow},
		{"no kinds", def, plan(nil, file("/r/a", 1)), nil, Allow, ByPolicyAllow},
		{"delete", def, plan([]Kind{KindDelete}, file("/r/a", 1)), nil, Ask, "needs approval: delete"},
		{"overwrite", def, plan([]Kind{KindOverwrite}, file("/r/a", 1)), nil, Ask, "overwrite"},
		{"edit", def, plan([]Kind{KindEdit}, file("/r/a", 1)), nil, Ask, "edit"},
		{"move", def, plan([]Kind{KindMove}, file("/r/a", 1), Item{Path: "/r/b"}), nil, Ask, "move"},
		{"copy-over", def, plan([]Kind{KindCopyOver}, file("/r/a", 1), file("/r/b", 1)), nil, Ask, "copy-over"},
		{"duplicate kinds", def, plan([]Kind{KindDelete, KindDelete}, file("/r/a", 1)), nil, Ask, "needs approval: delete"},

		{"bulk by files: 5 is not bulk", def, plan([]Kind{KindWrite}, manyFiles(5)...), nil, Allow, ByPolicyAllow},
		{"bulk by files: 6 new files", def, plan([]Kind{KindWrite}, manyFiles(6)...), nil, Ask, "needs approval: bulk"},
		{"bulk by files: directory", def, plan([]Kind{KindDelete}, dir("/r/d", 6, 10)), nil, Ask, "delete, bulk"},
		{"bulk by bytes: at limit", def, plan([]Kind{KindWrite}, Item{Path: "/r/n", Size: 10 << 20}), nil, Allow, ByPolicyAllow},
		{"bulk by bytes: over", def, plan([]Kind{KindWrite}, Item{Path: "/r/n", Size: 10<<20 + 1}), nil, Ask, "needs approval: bulk"},
		{"bulk by bytes: directory", def, plan([]Kind{KindDelete}, dir("/r/d", 2, 11<<20)), nil, Ask, "delete, bulk"},
		{"bulk declared", def, plan([]Kind{KindBulk, KindWrite}, Item{Path: "/r/n"}), nil, Ask, "needs approval: bulk"},

		{"sensitive hook", def, plan([]Kind{KindWrite}, Item{Path: "/r/.GIT/hooks/pre-commit"}), nil, Deny, ByDeniedSensitive},
		{"sensitive ssh", def, plan([]Kind{KindWrite}, Item{Path: "a/.ssh/id_rsa"}), nil, Deny, `"a/.ssh/id_rsa" matches ".ssh/"`},
		{"sensitive second item", def, plan([]Kind{KindMove}, file("/r/x", 1), Item{Path: "/home/u/.bashrc"}), nil, Deny, ".bashrc"},
		{"not sensitive notgit", def, plan([]Kind{KindWrite}, Item{Path: "/r/notgit/hooks/x"}), nil, Allow, ByPolicyAllow},
		{"sensitive beats pre-approval", pre, plan([]Kind{KindDelete}, file("/r/.git/config", 1)), grantOf(Kinds()...), Deny, ByDeniedSensitive},
		{"sensitive path escaped", def, plan([]Kind{KindWrite}, Item{Path: "/r/.ssh/\u202ex\n"}), nil, Deny, `"/r/.ssh/\u202ex\n"`},
		{"exempted", exempt, plan([]Kind{KindWrite}, Item{Path: "/r/.vscode/settings.json"}), nil, Allow, ByPolicyAllow},
		{"exempted but other file", exempt, plan([]Kind{KindWrite}, Item{Path: "/r/.vscode/tasks.json"}), nil, Deny, ByDeniedSensitive},
		{"exempted, sensitive asked", exemptAsk, plan([]Kind{KindWrite}, Item{Path: "/r/.vscode/settings.json"}), nil, Ask, "needs approval: sensitive"},

		{"pre-approved", pre, plan([]Kind{KindDelete}, file("/r/a", 1)), nil, Allow, ByPreApproved + " (delete)"},
		{"pre-approved not bulk", pre, plan([]Kind{KindDelete}, dir("/r/d", 100, 1)), nil, Ask, "needs approval: bulk"},
		{"pre-approved not edit", pre, plan([]Kind{KindEdit, KindOverwrite}, file("/r/a", 1)), nil, Ask, "needs approval: edit"},

		{"granted", def, plan([]Kind{KindEdit}, file("/r/a", 1)), grantOf(KindEdit), Allow, BySessionGrant + " (edit)"},
		{"grant does not leak to delete", def, plan([]Kind{KindDelete}, file("/r/a", 1)), grantOf(KindEdit), Ask, "needs approval: delete"},
		{"grant delete does not cover bulk", def, plan([]Kind{KindDelete}, dir("/r/d", 50, 1)), grantOf(KindDelete), Ask, "needs approval: bulk"},
		{"grant both", def, plan([]Kind{KindDelete}, dir("/r/d", 50, 1)), grantOf(KindDelete, KindBulk), Allow, BySessionGrant + " (delete, bulk)"},
		{"pre-approved and granted", pre, plan([]Kind{KindDelete, KindEdit}, file("/r/a", 1)), grantOf(KindEdit), Allow, ByPreApproved + " (delete); " + BySessionGrant + " (edit)"},

		{"unknown kind", def, plan([]Kind{"format-disk"}, file("/r/a", 1)), nil, Deny, "invalid plan"},
		{"invalid policy", Policy{Sensitive: []string{"["}}, plan(nil), nil, Deny, "invalid policy"},
		{"zero policy asks", zero, plan([]Kind{KindDelete}, file("/r/a", 1)), nil, Ask, "delete"},
		{"zero policy denies sensitive", zero, plan([]Kind{KindWrite}, Item{Path: "/r/.ssh/x"}), nil, Deny, ByDeniedSensitive},
		{"empty ask asks nothing", Policy{Ask: []Kind{}, Sensitive: []string{}, BulkFiles: 5, BulkBytes: 1}, plan([]Kind{KindDelete}, dir("/r/.ssh", 99, 99)), nil, Allow, ByPolicyAllow},
	}
	for _, tt := range tests {
		got, reason := tt.pol.Decide(tt.plan, tt.granted)
		if got != tt.want || !strings.Contains(reason, tt.reason) {
			t.Errorf("%s: Decide = %s, %q; want %s, containing %q", tt.name, got, reason, tt.want, tt.reason)
		}
	}
}

func TestClassifyAndAsking(t *testing.T) {
	p := DefaultPolicy()
	p.AllowSensitive = []string{".vscode/"}
	pl := plan([]Kind{KindWrite, KindDelete, KindWrite}, dir("/r/d", 9, 1), Item{Path: "/r/.vscode/x"})
	if got, want := p.Classify(pl), []Kind{KindWrite, KindDelete, KindBulk, KindSensitive}; !slices.Equal(got, want) {
		t.Errorf("Classify = %v, want %v", got, want)
	}
	if got, want := p.Asking(pl), []Kind{KindDelete, KindBulk}; !slices.Equal(got, want) {
		t.Errorf("Asking = %v, want %v", got, want)
	}
}

func writePolicy(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadPolicy(t *testing.T) {
	p, err := LoadPolicy(writePolicy(t, `{"bulkFiles": 20, "preApproved": ["delete"], "timeout": "90s"}`))
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultPolicy()
	if p.BulkFiles != 20 || time.Duration(p.Timeout) != 90*time.Second || !slices.Equal(p.PreApproved, []Kind{KindDelete}) {
		t.Errorf("fields not loaded: %+v", p)
	}
	if p.BulkBytes != def.BulkBytes || !slices.Equal(p.Ask, def.Ask) || !slices.Equal(p.Sensitive, def.Sensitive) {
		t.Errorf("defaults not kept: %+v", p)
	}

	p, err = LoadPolicy(writePolicy(t, `{"ask": [], "sensitive": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Ask == nil || len(p.Ask) != 0 || p.Sensitive == nil || len(p.Sensitive) != 0 {
		t.Errorf("empty lists not kept empty: %+v", p)
	}

	p, err = LoadPolicy(writePolicy(t, `{}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(p); string(got) != string(must(json.Marshal(def))) {
		t.Errorf("empty file: %s", got)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestLoadPolicyErrors(t *testing.T) {
	tests := []struct {
		name, body string
		is         error
	}{
		{"unknown field", `{"ask": ["delete"], "askk": []}`, ErrInvalidPolicy},
		{"case variant", `{"Ask": ["delete"]}`, ErrInvalidPolicy},
		{"bad kind in ask", `{"ask": ["delete", "explode"]}`, ErrUnknownKind},
		{"bad kind in preApproved", `{"preApproved": ["Delete"]}`, ErrUnknownKind},
		{"bad pattern", `{"sensitive": ["["]}`, ErrBadPattern},
		{"bad allow pattern", `{"allowSensitive": ["../x"]}`, ErrBadPattern},
		{"null list", `{"ask": null}`, ErrInvalidPolicy},
		{"duplicate field", `{"ask": [], "ask": ["delete"]}`, ErrBadJSON},
		{"trailing data", `{} {}`, ErrBadJSON},
		{"not an object", `[]`, ErrInvalidPolicy},
		{"empty file", ``, ErrBadJSON},
		{"wrong type", `{"bulkFiles": "5"}`, ErrInvalidPolicy},
		{"negative files", `{"bulkFiles": -1}`, ErrInvalidPolicy},
		{"negative bytes", `{"bulkBytes": -1}`, ErrInvalidPolicy},
		{"zero timeout", `{"timeout": "0s"}`, ErrInvalidPolicy},
		{"numeric timeout", `{"timeout": 300}`, ErrInvalidPolicy},
		{"bad timeout", `{"timeout": "5 minutes"}`, ErrInvalidPolicy},
	}
	for _, tt := range tests {
		_, err := LoadPolicy(writePolicy(t, tt.body))
		if !errors.Is(err, tt.is) {
			t.Errorf("%s: error = %v, want %v", tt.name, err, tt.is)
		}
	}
	if _, err := LoadPolicy(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"timeout":"5m0s"`) {
		t.Errorf("marshalled policy %s lacks \"timeout\":\"5m0s\"", b)
	}
	var d Duration
	if err := json.Unmarshal([]byte(`"1h30m"`), &d); err != nil || d.Std() != 90*time.Minute {
		t.Errorf("Unmarshal = %v, %v", d, err)
	}
}

func TestDefaultPolicyIsValidAndFresh(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	p.Ask[0] = KindWrite
	p.Sensitive[0] = "x"
	q := DefaultPolicy()
	if q.Ask[0] != KindDelete || q.Sensitive[0] != ".git/hooks/" {
		t.Error("DefaultPolicy shares its lists")
	}
}
