package approvals

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Action is what the policy decides for one call.
type Action string

// The possible decisions.
const (
	// Allow runs the call without asking.
	Allow Action = "allow"
	// Ask runs the call only after the user approves it.
	Ask Action = "ask"
	// Deny refuses the call.
	Deny Action = "deny"
)

// Defaults of DefaultPolicy.
const (
	DefaultBulkFiles       = 5
	DefaultBulkBytes int64 = 10 << 20
	DefaultTimeout         = 5 * time.Minute
)

// ErrInvalidPolicy reports a policy that cannot be used.
var ErrInvalidPolicy = errors.New("approvals: invalid policy")

// defaultAsk is the default Policy.Ask list.
var defaultAsk = []Kind{KindDelete, KindOverwrite, KindEdit, KindMove, KindCopyOver, KindBulk}

// Duration is a time.Duration that is written to and read from JSON as a
// string such as "5m0s" or "90s".
type Duration time.Duration

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String returns the duration in time.Duration's format.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON encodes d as a JSON string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON decodes a JSON string accepted by time.ParseDuration.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"5m\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	*d = Duration(v)
	return nil
}

// Policy decides, per call, whether to allow, ask or deny.
//
// The zero Policy is not meant to be used; start from DefaultPolicy. As a
// safety net, Decide treats a nil Ask or Sensitive list as the default
// list; use an empty, non-nil list to ask for nothing or to protect no
// path.
type Policy struct {
	// Ask lists the kinds that need the user's approval. Default: delete,
	// overwrite, edit, move, copy-over, bulk.
	Ask []Kind `json:"ask"`
	// BulkFiles is the number of files above which a call is bulk.
	// Default 5.
	BulkFiles int `json:"bulkFiles"`
	// BulkBytes is the number of bytes above which a call is bulk.
	// Default 10 MiB.
	BulkBytes int64 `json:"bulkBytes"`
	// Sensitive lists path patterns that are denied unless AllowSensitive
	// exempts them; the package documentation (section "Sensitive paths")
	// states the matching rule. Default: git hooks and config, shell
	// start-up files, editor, agent and MCP configuration, credentials.
	Sensitive []string `json:"sensitive"`
	// AllowSensitive lists patterns exempted from Sensitive.
	AllowSensitive []string `json:"allowSensitive"`
	// PreApproved lists kinds allowed without asking, for scripted agents
	// (--approve delete,overwrite). Such calls are recorded as
	// pre-approved.
	PreApproved []Kind `json:"preApproved"`
	// Timeout is how long a pending approval lives. Default 5m.
	Timeout Duration `json:"timeout"`
	// Injection is what happens to results the prompt-injection
	// classifier flags: annotate (default), redact or quarantine.
	Injection InjectionMode `json:"injection"`
}

// policyFields are the JSON names LoadPolicy accepts, spelled exactly.
var policyFields = map[string]bool{
	"ask": true, "bulkFiles": true, "bulkBytes": true, "sensitive": true,
	"allowSensitive": true, "preApproved": true, "timeout": true, "injection": true,
}

// DefaultPolicy returns the default policy. Its lists are fresh copies.
func DefaultPolicy() Policy {
	return Policy{
		Ask:       append([]Kind(nil), defaultAsk...),
		BulkFiles: DefaultBulkFiles,
		BulkBytes: DefaultBulkBytes,
		Sensitive: append([]string(nil), defaultSensitive...),
		Timeout:   Duration(DefaultTimeout),
		Injection: InjectionAnnotate,
	}
}

// LoadPolicy reads a policy from a JSON file. Fields missing from the file
// keep their defaults. Field names must be spelled exactly as documented;
// unknown fields, duplicate fields, null values and trailing data are
// errors, and the result must pass Validate.
func LoadPolicy(path string) (Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Policy{}, fmt.Errorf("approvals: read policy: %w", err)
	}
	v, err := decodeStrict(data)
	if err != nil {
		return Policy{}, fmt.Errorf("%w: %s: %w", ErrInvalidPolicy, path, err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Policy{}, fmt.Errorf("%w: %s: not a JSON object", ErrInvalidPolicy, path)
	}
	for k, fv := range obj {
		if !policyFields[k] {
			return Policy{}, fmt.Errorf("%w: %s: unknown field %s", ErrInvalidPolicy, path, quote(k))
		}
		if fv == nil {
			return Policy{}, fmt.Errorf("%w: %s: field %s is null (use [] to clear a list)", ErrInvalidPolicy, path, quote(k))
		}
	}
	p := DefaultPolicy()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("%w: %s: %w", ErrInvalidPolicy, path, err)
	}
	if err := p.Validate(); err != nil {
		return Policy{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Validate checks that every kind is known, every pattern parses, the
// bulk limits are not negative and the timeout is positive. Errors wrap
// ErrInvalidPolicy and, where it applies, ErrUnknownKind or ErrBadPattern.
func (p Policy) Validate() error {
	if err := checkKinds("ask", p.Ask); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidPolicy, err)
	}
	if err := checkKinds("preApproved", p.PreApproved); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidPolicy, err)
	}
	if p.BulkFiles < 0 {
		return fmt.Errorf("%w: bulkFiles %d is negative", ErrInvalidPolicy, p.BulkFiles)
	}
	if p.BulkBytes < 0 {
		return fmt.Errorf("%w: bulkBytes %d is negative", ErrInvalidPolicy, p.BulkBytes)
	}
	if p.Timeout <= 0 {
		return fmt.Errorf("%w: timeout %s must be positive", ErrInvalidPolicy, p.Timeout)
	}
	if _, err := newMatcher(p.Sensitive, p.AllowSensitive); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidPolicy, err)
	}
	if _, err := ParseInjectionMode(string(p.Injection)); err != nil {
		return err
	}
	return nil
}

// ask returns the Ask list, or the default one when it is nil.
func (p Policy) ask() []Kind {
	if p.Ask == nil {
		return defaultAsk
	}
	return p.Ask
}

// sensitive returns the Sensitive list, or the default one when it is nil.
func (p Policy) sensitive() []string {
	if p.Sensitive == nil {
		return defaultSensitive
	}
	return p.Sensitive
}

// evaluate returns the plan's kinds as Classify does and, when an item is
// denied, the reason.
func (p Policy) evaluate(plan Plan) (kinds []Kind, deny string) {
	m, err := newMatcher(p.sensitive(), p.AllowSensitive)
	if err != nil {
		return nil, "policy: denied (invalid policy): " + err.Error()
	}
	if err := checkKinds("plan", plan.Kinds); err != nil {
		return nil, "policy: denied (invalid plan): " + err.Error()
	}
	for _, k := range plan.Kinds {
		if !hasKind(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	exempted := false
	for _, it := range plan.Items {
		denied, by, ex := m.check(it.Path)
		if denied {
			return kinds, fmt.Sprintf("%s: %s matches %s", ByDeniedSensitive, quote(it.Path), quote(by))
		}
		exempted = exempted || ex
	}
	files, size := plan.Totals()
	if (files > p.BulkFiles || size > p.BulkBytes) && !hasKind(kinds, KindBulk) {
		kinds = append(kinds, KindBulk)
	}
	if exempted && !hasKind(kinds, KindSensitive) {
		kinds = append(kinds, KindSensitive)
	}
	return kinds, ""
}

// Classify returns the plan's kinds without duplicates, plus KindBulk when
// the plan touches more than BulkFiles files or BulkBytes bytes, plus
// KindSensitive when an item matches a sensitive pattern that
// AllowSensitive exempts. Callers should show these kinds in the prompt
// (set plan.Kinds to the result before calling Message).
func (p Policy) Classify(plan Plan) []Kind {
	kinds, _ := p.evaluate(plan)
	return kinds
}

// Asking returns the kinds of the plan (as Classify returns them) that the
// policy asks about, ignoring pre-approvals and session grants. When the
// user answers "allow for this session", grant exactly these kinds: a
// grant then never covers a kind the user was not shown, so allowing one
// single-file delete for the session does not allow a bulk delete.
func (p Policy) Asking(plan Plan) []Kind {
	var out []Kind
	for _, k := range p.Classify(plan) {
		if hasKind(p.ask(), k) {
			out = append(out, k)
		}
	}
	return out
}

// Decide decides what to do with a call. It denies the call when any item
// matches a sensitive pattern that AllowSensitive does not exempt, when
// the plan names an unknown kind or when the policy is invalid. Otherwise
// it allows the call when none of its kinds (see Classify) is in Ask, or
// when each one that is is PreApproved or granted for the session; granted
// may be nil. Otherwise it asks.
//
// The reason starts with the matching Record.By text for Allow and Deny
// ("policy: pre-approved (delete)", "policy: session grant (edit)",
// "policy: no approval needed", "policy: denied (sensitive): ..."), and
// lists the kinds for Ask ("needs approval: delete, bulk"). Paths in it are
// escaped.
func (p Policy) Decide(plan Plan, granted func(Kind) bool) (Action, string) {
	kinds, deny := p.evaluate(plan)
	if deny != "" {
		return Deny, deny
	}
	var pre, sess, need []Kind
	for _, k := range kinds {
		switch {
		case !hasKind(p.ask(), k):
		case hasKind(p.PreApproved, k):
			pre = append(pre, k)
		case granted != nil && granted(k):
			sess = append(sess, k)
		default:
			need = append(need, k)
		}
	}
	if len(need) > 0 {
		return Ask, "needs approval: " + joinKinds(need)
	}
	var parts []string
	if len(pre) > 0 {
		parts = append(parts, ByPreApproved+" ("+joinKinds(pre)+")")
	}
	if len(sess) > 0 {
		parts = append(parts, BySessionGrant+" ("+joinKinds(sess)+")")
	}
	if len(parts) == 0 {
		return Allow, ByPolicyAllow
	}
	return Allow, strings.Join(parts, "; ")
}
