package guest

import (
	"io/fs"
	"syscall"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// addSysInfo fills the FileInfo fields that come from the raw stat
// structure: link count, inode, access and change times.
func addSysInfo(info *guestproto.FileInfo, fi fs.FileInfo) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	info.Nlink = uint64(st.Nlink)
	info.Inode = st.Ino
	info.AccessTime = utc(st.Atim.Unix())
	info.ChangeTime = utc(st.Ctim.Unix())
}
