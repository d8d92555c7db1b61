package approvals

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestRecordJSON(t *testing.T) {
	r := Record{
		Time:    time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Session: "s1",
		Tool:    "delete_path",
		Plan:    basePlan(),
		Asked:   true,
		Answer:  AllowOnce,
		By:      ByUser,
		Allowed: true,
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"answer":"allow_once"`, `"by":"user via elicitation"`, `"kinds":["delete"]`, `"path":"/home/u/p/a.txt"`, `"inode":42`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("record JSON %s lacks %s", b, want)
		}
	}
	var back Record
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Plan.Fingerprint() != r.Plan.Fingerprint() || back.By != r.By || !back.Time.Equal(r.Time) {
		t.Errorf("round trip changed the record: %+v", back)
	}
}
