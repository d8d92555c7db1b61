package vmtest

import "testing"

func TestFakeBackend(t *testing.T) {
	RunBackendTests(t, Harness{Backend: &Fake{}, Crash: CrashFake})
}
