package vmtest

import (
	"os"
	"runtime"
	"testing"

	"github.com/airlock-dev/airlock/rootfs"
	"github.com/airlock-dev/airlock/vm"
)

// Image returns the guest image for real-VM tests: the image directory in
// $AIRLOCK_IMAGE if set, else the current image in the airlock cache (as
// built by `make image`). Without one it skips, or fails under CI.
func Image(t testing.TB) vm.Image {
	t.Helper()
	var (
		img rootfs.Image
		err error
	)
	if dir := os.Getenv("AIRLOCK_IMAGE"); dir != "" {
		img, err = rootfs.Open(dir)
	} else {
		var cache string
		cache, err = rootfs.DefaultCacheDir()
		if err == nil {
			img, err = rootfs.Current(cache, runtime.GOARCH)
		}
	}
	if err != nil {
		SkipOrFail(t, "no guest image ("+err.Error()+"); run `make image`")
	}
	return vm.Image{Kernel: img.Kernel, Initrd: img.Initrd, ID: img.Manifest.ID}
}
