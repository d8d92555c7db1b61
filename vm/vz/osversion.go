package vz

import (
	"fmt"
	"strconv"
	"strings"
)

// macOSVersion is a macOS release number, such as 14.5.
type macOSVersion struct{ major, minor int }

// parseMacOSVersion reads a release number as sysctl kern.osproductversion
// reports it: "12", "14.5" or "15.0.1".
func parseMacOSVersion(s string) (macOSVersion, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) > 3 {
		return macOSVersion{}, fmt.Errorf("parse macOS version %q: too many parts", s)
	}
	var nums [2]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return macOSVersion{}, fmt.Errorf("parse macOS version %q: bad number %q", s, p)
		}
		if i < len(nums) {
			nums[i] = n
		}
	}
	if nums[0] == 0 {
		return macOSVersion{}, fmt.Errorf("parse macOS version %q: no major version", s)
	}
	return macOSVersion{major: nums[0], minor: nums[1]}, nil
}

// atLeast reports whether v is macOS major or later.
func (v macOSVersion) atLeast(major int) bool { return v.major >= major }

func (v macOSVersion) String() string { return fmt.Sprintf("%d.%d", v.major, v.minor) }
