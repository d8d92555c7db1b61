package approvals

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseApproveFlag(t *testing.T) {
	tests := []struct {
		in   string
		want []Kind
		err  bool
	}{
		{in: "", want: nil},
		{in: "  ", want: nil},
		{in: "delete", want: []Kind{KindDelete}},
		{in: "delete,overwrite", want: []Kind{KindDelete, KindOverwrite}},
		{in: " Delete , OVERWRITE ", want: []Kind{KindDelete, KindOverwrite}},
		{in: "delete,delete,edit", want: []Kind{KindDelete, KindEdit}},
		{in: "copy-over,bulk", want: []Kind{KindCopyOver, KindBulk}},
		{in: "all", want: Kinds()},
		{in: "edit,all", want: []Kind{KindEdit, KindDelete, KindOverwrite, KindMove, KindCopyOver, KindBulk, KindWrite, KindSensitive}},
		{in: "delete,frobnicate", err: true},
		{in: "delete,", err: true},
		{in: "copy_over", err: true},
		{in: "ask", err: true},
	}
	for _, tt := range tests {
		got, err := ParseApproveFlag(tt.in)
		if tt.err {
			if !errors.Is(err, ErrUnknownKind) {
				t.Errorf("ParseApproveFlag(%q) error = %v, want ErrUnknownKind", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseApproveFlag(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParseApproveFlag(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseApproveFlagErrorListsKinds(t *testing.T) {
	_, err := ParseApproveFlag("nuke")
	if err == nil {
		t.Fatal("no error for an unknown kind")
	}
	for _, want := range []string{`"nuke"`, "delete", "overwrite", "copy-over", "all"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestKindValid(t *testing.T) {
	for _, k := range Kinds() {
		if !k.Valid() {
			t.Errorf("%q not valid", k)
		}
	}
	for _, k := range []Kind{"", "Delete", "all", "delete "} {
		if k.Valid() {
			t.Errorf("%q valid", k)
		}
	}
	// Kinds returns a copy.
	ks := Kinds()
	ks[0] = "x"
	if Kinds()[0] != KindDelete {
		t.Error("Kinds shares its slice")
	}
}
