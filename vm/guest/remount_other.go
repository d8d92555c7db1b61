//go:build !linux

package guest

import "github.com/airlock-dev/airlock/vm/guestproto"

func remountWritable(string) error {
	return protoErr(guestproto.CodeUnsupported, "remount is only available in a Linux guest")
}
