package egress

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"syscall"
)

// bind returns ctx, also cancelled when the gate closes.
func (g *Gate) bind(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(g.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// resolve looks h up once.
func (g *Gate) resolve(ctx context.Context, h host) ([]netip.Addr, *DialError) {
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	addrs, err := g.o.Resolver.LookupNetIP(ctx, "ip", h.name+".")
	if err != nil {
		why := "cannot resolve " + h.name
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
			why += ": no such host"
		case errors.Is(err, context.Canceled):
			why += ": canceled"
		case errors.As(err, &dnsErr) && dnsErr.IsTimeout, errors.Is(err, context.DeadlineExceeded):
			why += ": timed out"
		}
		return nil, &DialError{Host: h.name, Reason: why, Err: err}
	}
	if len(addrs) == 0 {
		return nil, &DialError{Host: h.name, Reason: "cannot resolve " + h.name + ": no addresses", Err: errors.New("empty answer")}
	}
	return addrs, nil
}

// connect dials the checked addresses in order until one connects.
func (g *Gate) connect(ctx context.Context, addrs []netip.Addr, port int) (net.Conn, netip.Addr, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	var errs []error
	for _, a := range addrs {
		a = a.Unmap()
		actx, acancel := context.WithTimeout(ctx, dialTimeout)
		c, err := g.o.Dialer.DialContext(actx, "tcp", netip.AddrPortFrom(a, uint16(port)).String())
		acancel()
		if err == nil {
			return c, a, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, netip.Addr{}, errors.Join(errs...)
}

// dialReason summarises a dial error for the model.
func dialReason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	}
	return "destination unreachable"
}

// interfaceAddrs returns the addresses of the host's network interfaces.
func interfaceAddrs() ([]netip.Addr, error) {
	as, err := net.InterfaceAddrs()
	if err != nil {
		return nil, err
	}
	out := make([]netip.Addr, 0, len(as))
	for _, a := range as {
		var ip net.IP
		switch v := a.(type) {
		case *net.IPNet:
			ip = v.IP
		case *net.IPAddr:
			ip = v.IP
		}
		if addr, ok := netip.AddrFromSlice(ip); ok {
			out = append(out, addr.Unmap())
		}
	}
	return out, nil
}
