package egress

import (
	"fmt"
	"net/netip"
)

// Special-purpose addresses the gate refuses unless an IP-literal allow
// rule names the exact address. Sources: the IANA IPv4 and IPv6
// Special-Purpose Address Registries (RFC 6890) and the cloud providers'
// documentation cited below. An address is checked against metadata
// first, so the reason names the most specific category.

// metadata are cloud metadata and host-agent endpoints. Most sit in ranges
// refused anyway; they are listed so the reason says what they are, and
// because one of them (Azure's) is a public address.
var metadata = map[netip.Addr]string{
	// AWS EC2 IMDS, GCP, Azure IMDS, OpenStack, DigitalOcean, Oracle Cloud,
	// Hetzner, Linode and others: the de facto metadata address.
	netip.MustParseAddr("169.254.169.254"): "cloud metadata service",
	// AWS EC2 IMDS over IPv6 (Nitro instances).
	netip.MustParseAddr("fd00:ec2::254"): "cloud metadata service (AWS IPv6)",
	// AWS ECS task metadata and credentials endpoint.
	netip.MustParseAddr("169.254.170.2"): "cloud credentials service (AWS ECS)",
	// AWS EKS Pod Identity agent, IPv4 and IPv6.
	netip.MustParseAddr("169.254.170.23"): "cloud credentials service (AWS EKS Pod Identity)",
	netip.MustParseAddr("fd00:ec2::23"):   "cloud credentials service (AWS EKS Pod Identity)",
	// Google Cloud metadata server over IPv6.
	netip.MustParseAddr("fd20:ce::254"): "cloud metadata service (GCP IPv6)",
	// Alibaba Cloud ECS metadata.
	netip.MustParseAddr("100.100.100.200"): "cloud metadata service (Alibaba Cloud)",
	// Oracle Cloud Infrastructure, legacy metadata address.
	netip.MustParseAddr("192.0.0.192"): "cloud metadata service (Oracle Cloud)",
	// Tencent Cloud metadata (metadata.tencentyun.com).
	netip.MustParseAddr("169.254.0.23"): "cloud metadata service (Tencent Cloud)",
	// Scaleway instance metadata.
	netip.MustParseAddr("169.254.42.42"): "cloud metadata service (Scaleway)",
	// Azure WireServer: platform DNS, DHCP, health probes and guest-agent
	// configuration ("What is IP address 168.63.129.16?", Microsoft
	// Learn). A public address, so no range below covers it.
	netip.MustParseAddr("168.63.129.16"): "cloud host agent (Azure WireServer)",
}

type special struct {
	prefix netip.Prefix
	what   string
}

func mustSpecials(pairs ...string) []special {
	out := make([]special, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, special{netip.MustParsePrefix(pairs[i]), pairs[i+1]})
	}
	return out
}

// specials4 are refused IPv4 ranges, first match wins.
var specials4 = mustSpecials(
	"0.0.0.0/8", "unspecified address (0.0.0.0/8, RFC 1122)",
	"10.0.0.0/8", "private network (10.0.0.0/8, RFC 1918)",
	"100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10, RFC 6598)",
	"127.0.0.0/8", "loopback (127.0.0.0/8)",
	"169.254.0.0/16", "link-local (169.254.0.0/16, RFC 3927)",
	"172.16.0.0/12", "private network (172.16.0.0/12, RFC 1918)",
	"192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24, RFC 6890)",
	// Documentation and benchmarking ranges are never routed on the
	// internet, so a name resolving there is a mistake or a trick, and
	// some networks reuse them for local services: the "fake IP" DNS mode
	// of local proxies (Clash, Surge) hands out 198.18.0.0/15 addresses
	// that lead to a proxy on the host.
	"192.0.2.0/24", "documentation (192.0.2.0/24, RFC 5737)",
	"192.88.99.0/24", "6to4 relay anycast (192.88.99.0/24, RFC 7526)",
	"192.168.0.0/16", "private network (192.168.0.0/16, RFC 1918)",
	"198.18.0.0/15", "benchmarking (198.18.0.0/15, RFC 2544)",
	"198.51.100.0/24", "documentation (198.51.100.0/24, RFC 5737)",
	"203.0.113.0/24", "documentation (203.0.113.0/24, RFC 5737)",
	"224.0.0.0/4", "multicast (224.0.0.0/4)",
	"255.255.255.255/32", "broadcast (255.255.255.255)",
	"240.0.0.0/4", "reserved (240.0.0.0/4, RFC 1112)",
)

// specials6 are refused IPv6 ranges, first match wins. Embeddings of IPv4
// addresses are handled in classify6, and everything outside 2000::/3 not
// listed here is refused as reserved.
var specials6 = mustSpecials(
	"::/128", "unspecified address (::)",
	"::1/128", "loopback (::1)",
	"64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48, RFC 8215)",
	"100::/64", "discard-only (100::/64, RFC 6666)",
	"2001::/32", "Teredo tunnelling (2001::/32, RFC 4380), which embeds IPv4 addresses",
	"2001:2::/48", "benchmarking (2001:2::/48, RFC 5180)",
	"2001:10::/28", "ORCHID identifiers (2001:10::/28, RFC 4843)",
	"2001:20::/28", "ORCHIDv2 identifiers (2001:20::/28, RFC 7343)",
	"2001:db8::/32", "documentation (2001:db8::/32, RFC 3849)",
	"3fff::/20", "documentation (3fff::/20, RFC 9637)",
	"fc00::/7", "unique local address (fc00::/7, RFC 4193)",
	"fe80::/10", "link-local (fe80::/10)",
	"fec0::/10", "site-local (fec0::/10, deprecated by RFC 3879)",
	"ff00::/8", "multicast (ff00::/8)",
)

var (
	ipv4Compatible = netip.MustParsePrefix("::/96")
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour      = netip.MustParsePrefix("2002::/16")
	globalUnicast  = netip.MustParsePrefix("2000::/3")
)

// classify returns why a must not be dialled, or "" for a public address.
// IPv4-mapped addresses are unmapped first, and IPv4 addresses embedded
// in IPv4-compatible, NAT64 and 6to4 addresses are checked as IPv4. It
// does not know the host's own addresses or the rules.
func classify(a netip.Addr) string {
	a = a.WithZone("")
	if a.Is4In6() {
		if why := classify4(a.Unmap()); why != "" {
			return fmt.Sprintf("IPv4-mapped %s: %s", a.Unmap(), why)
		}
		return ""
	}
	if a.Is4() {
		return classify4(a)
	}
	return classify6(a)
}

func classify4(a netip.Addr) string {
	if why, ok := metadata[a]; ok {
		return why
	}
	for _, s := range specials4 {
		if s.prefix.Contains(a) {
			return s.what
		}
	}
	return ""
}

func classify6(a netip.Addr) string {
	if why, ok := metadata[a]; ok {
		return why
	}
	for _, s := range specials6 {
		if s.prefix.Contains(a) {
			return s.what
		}
	}
	b := a.As16()
	switch {
	case ipv4Compatible.Contains(a):
		v4 := netip.AddrFrom4([4]byte(b[12:16]))
		if why := classify4(v4); why != "" {
			return fmt.Sprintf("IPv4-compatible embedding of %s: %s", v4, why)
		}
		return "IPv4-compatible address (::/96, deprecated by RFC 4291)"
	case nat64.Contains(a):
		v4 := netip.AddrFrom4([4]byte(b[12:16]))
		if why := classify4(v4); why != "" {
			return fmt.Sprintf("NAT64 embedding of %s: %s", v4, why)
		}
		return "" // a public IPv4 address behind the well-known NAT64 prefix
	case sixToFour.Contains(a):
		v4 := netip.AddrFrom4([4]byte(b[2:6]))
		if why := classify4(v4); why != "" {
			return fmt.Sprintf("6to4 embedding of %s: %s", v4, why)
		}
		return ""
	case !globalUnicast.Contains(a):
		return "reserved (outside the global unicast range 2000::/3)"
	}
	return ""
}
