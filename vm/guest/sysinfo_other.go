//go:build !linux && !darwin

package guest

import (
	"io/fs"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// addSysInfo leaves the raw stat fields empty where their layout is not
// known.
func addSysInfo(*guestproto.FileInfo, fs.FileInfo) {}
