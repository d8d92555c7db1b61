//go:build !darwin

package vz_test

import (
	"context"
	"errors"
	"testing"

	"github.com/airlock-dev/airlock/vm"
	"github.com/airlock-dev/airlock/vm/vz"
)

func TestStartUnavailableOffMacOS(t *testing.T) {
	b := &vz.Backend{}
	if b.Name() != "vz" {
		t.Errorf("Name = %q, want vz", b.Name())
	}
	m, err := b.Start(context.Background(), vm.Config{})
	if m != nil || !errors.Is(err, vm.ErrUnavailable) {
		t.Fatalf("Start = %v, %v; want nil and an error wrapping vm.ErrUnavailable", m, err)
	}
}
