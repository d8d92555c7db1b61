package qemu

import (
	"crypto/rand"
	"encoding/binary"
)

// randomCID picks a guest context id for vhost-vsock. CIDs 0-2 are
// reserved and U32_MAX is VMADDR_CID_ANY. QEMU refuses a CID another VM on
// the host holds (odds about one in four billion per pair of VMs); Start
// then fails with QEMU's message.
//
// The vsock path cannot be exercised on hosts without /dev/vhost-vsock
// (including the machines this was written on); there the agent channel
// is virtio-serial.
func randomCID() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return 3 + binary.LittleEndian.Uint32(b[:])%(0xfffffff0)
}
