package guest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// mountPointOf returns the longest mount point in /proc/mounts that is a
// prefix of path.
func mountPointOf(path string) (string, error) {
	f, err := os.Open("/proc/mounts")
	if err != nil {
		return "", err
	}
	defer f.Close()
	path = filepath.Clean(path)
	best := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		mp := fields[1]
		if (path == mp || strings.HasPrefix(path, strings.TrimSuffix(mp, "/")+"/")) && len(mp) > len(best) {
			best = mp
		}
	}
	if best == "" {
		return "", fmt.Errorf("no mount point holds %s", path)
	}
	return best, sc.Err()
}
