package guest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// probeNet tries, from inside the guest, what a hostile process would: a
// raw TCP connection and a DNS lookup that do not go through the egress
// proxy. Both must fail in an airlock VM; the result says how.
func probeNet(ctx context.Context, a guestproto.ProbeNetArgs) guestproto.ProbeNetResult {
	var r guestproto.ProbeNetResult
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if a.Addr != "" {
		var d net.Dialer
		if c, err := d.DialContext(ctx, "tcp", a.Addr); err != nil {
			r.DialErr = err.Error()
		} else {
			c.Close()
		}
	}
	if a.Name != "" {
		if _, err := net.DefaultResolver.LookupHost(ctx, a.Name); err != nil {
			r.LookupErr = err.Error()
		}
	}
	ifs, err := net.Interfaces()
	if err != nil {
		r.Interfaces = "error: " + err.Error()
		return r
	}
	var parts []string
	for _, i := range ifs {
		addrs, _ := i.Addrs()
		var as []string
		for _, a := range addrs {
			as = append(as, a.String())
		}
		parts = append(parts, fmt.Sprintf("%s(%s)[%s]", i.Name, i.Flags, strings.Join(as, " ")))
	}
	r.Interfaces = strings.Join(parts, ", ")
	return r
}
