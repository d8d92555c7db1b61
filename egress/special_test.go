package egress

import (
	"net/netip"
	"testing"
)

func TestClassifyBlocked(t *testing.T) {
	for _, tc := range blockedAddrs {
		if tc.want == "an address of this host" {
			continue // not special on its own
		}
		if why := classify(netip.MustParseAddr(tc.addr)); why == "" {
			t.Errorf("classify(%s) = public", tc.addr)
		}
	}
	if why := classify(netip.MustParseAddr("fe80::1%eth0")); why != "link-local (fe80::/10)" {
		t.Errorf("zoned link-local: %q", why)
	}
}

func TestClassifyPublic(t *testing.T) {
	for _, s := range []string{
		"93.184.215.14", "8.8.8.8", "1.1.1.1", "81.2.69.160",
		"100.63.255.255", "100.128.0.0", // around 100.64.0.0/10
		"172.15.255.255", "172.32.0.0", // around 172.16.0.0/12
		"169.253.255.255", "169.255.0.0", "192.0.1.1", "192.169.0.0", "198.17.255.255", "198.20.0.0",
		"223.255.255.255", "11.0.0.0", "126.255.255.255", "128.0.0.0",
		"::ffff:8.8.8.8",
		"2606:4700::6810:85e5", "2001:4860:4860::8888", "2a00:1450:4001::200e",
		"64:ff9b::808:808", // NAT64 of 8.8.8.8
		"2002:808:808::1",  // 6to4 of 8.8.8.8
		"2001:200::1",      // just outside Teredo and the other 2001::/23 blocks
		"3ffe:ffff::1",     // below 3fff::/20
		"2001:db9::1",      // just above documentation
	} {
		if why := classify(netip.MustParseAddr(s)); why != "" {
			t.Errorf("classify(%s) = %q, want public", s, why)
		}
	}
}
