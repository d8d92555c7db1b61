package vz

import "testing"

func TestParseMacOSVersion(t *testing.T) {
	for in, want := range map[string]macOSVersion{
		"12":       {12, 0},
		"14.5":     {14, 5},
		"15.0.1":   {15, 0},
		"26.0\n":   {26, 0},
		"11.7.10 ": {11, 7},
	} {
		got, err := parseMacOSVersion(in)
		if err != nil || got != want {
			t.Errorf("parseMacOSVersion(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "12.a", "1.2.3.4", "-1.0", "0.1"} {
		if v, err := parseMacOSVersion(in); err == nil {
			t.Errorf("parseMacOSVersion(%q) = %v, want an error", in, v)
		}
	}
	if v := (macOSVersion{11, 7}); v.atLeast(12) || !v.atLeast(11) || v.String() != "11.7" {
		t.Errorf("macOS 11.7: atLeast(12) = %v, atLeast(11) = %v, String = %q", v.atLeast(12), v.atLeast(11), v.String())
	}
}
