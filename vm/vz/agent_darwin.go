//go:build darwin

package vz

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/Code-Hex/vz/v3"
)

// dialAgent connects to the guest agent's vsock port. The agent listens a
// few seconds after the VM starts; until then the framework refuses the
// connection (ECONNRESET), so dialAgent retries until it connects, the VM
// ends or ctx ends.
//
// Only one attempt is in flight at a time: the agent accepts exactly one
// connection, and a second attempt racing the first could take it.
func (m *machine) dialAgent(ctx context.Context, dev *vz.VirtioSocketDevice) (net.Conn, error) {
	type result struct {
		conn *vz.VirtioSocketConnection
		err  error
	}
	delay := 20 * time.Millisecond
	var last error
	for attempt := 1; ; attempt++ {
		ch := make(chan result, 1)
		go func() {
			conn, err := dev.Connect(agentPort)
			ch <- result{conn, err}
		}()
		var stopped error
		select {
		case r := <-ch:
			if r.err == nil {
				return r.conn, nil
			}
			last = r.err
		case <-ctx.Done():
			stopped = ctx.Err()
		case <-m.exited:
			stopped = errors.New("the vm ended")
		}
		if stopped != nil {
			// Connect cannot be cancelled; close what it returns late.
			go func() {
				if r := <-ch; r.conn != nil {
					r.conn.Close()
				}
			}()
			return nil, fmt.Errorf("connect agent vsock port %d: %w (attempt %d in flight)", agentPort, stopped, attempt)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect agent vsock port %d: %w after %d attempts, last: %v", agentPort, ctx.Err(), attempt, last)
		case <-m.exited:
			return nil, fmt.Errorf("connect agent vsock port %d: the vm ended after %d attempts, last: %v", agentPort, attempt, last)
		case <-time.After(delay):
		}
		delay = min(2*delay, 500*time.Millisecond)
	}
}
