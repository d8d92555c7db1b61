package vmtest

import (
	"os"
	"testing"

	"github.com/airlock-dev/airlock/vm"
)

func Image(t testing.TB) vm.Image {
	t.Helper()
	k, i := os.Getenv("AIRLOCK_KERNEL"), os.Getenv("AIRLOCK_INITRD")
	if k == "" {
		SkipOrFail(t, "no image")
	}
	return vm.Image{Kernel: k, Initrd: i}
}
