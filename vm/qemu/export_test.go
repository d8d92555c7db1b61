package qemu

import "context"

// SimulateKVMHang makes b treat its first boot as a KVM attempt that hangs.
func SimulateKVMHang(b *Backend) { b.simulateKVMHang = true }

// Plan exposes the accelerator plan to tests.
func (b *Backend) PlanAccels() []string {
	p, err := b.plan(context.Background())
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range p {
		out = append(out, a.accel)
	}
	return out
}
