package qemu

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestVerdictRoundTripAndHostKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "accel.json")
	if _, ok := loadVerdict(path, "k1"); ok {
		t.Fatal("verdict found before one was saved")
	}
	v := Verdict{Accel: "tcg", Reason: "kvm hung", HostKey: "k1", Decided: time.Now()}
	if err := saveVerdict(path, v); err != nil {
		t.Fatal(err)
	}
	got, ok := loadVerdict(path, "k1")
	if !ok || got.Accel != "tcg" || got.Reason != "kvm hung" {
		t.Errorf("loadVerdict = %+v, %v", got, ok)
	}
	if _, ok := loadVerdict(path, "k2"); ok {
		t.Error("a verdict for another host key was used")
	}
	os.WriteFile(path, []byte(`{"accel":"bogus","hostKey":"k1"}`), 0o644)
	if _, ok := loadVerdict(path, "k1"); ok {
		t.Error("a verdict naming an unknown accelerator was used")
	}
}
