package guest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
)

// isEscape reports whether err is os.Root refusing a path that leaves the
// root. The os package does not export that error, so we recognise the
// *PathError it wraps by its fixed text; the check is confined here and
// covered by a test that makes os.Root produce it.
func isEscape(err error) bool {
	var pe *os.PathError
	if !errors.As(err, &pe) {
		return false
	}
	return strings.Contains(pe.Err.Error(), "path escapes from parent")
}

func randSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
