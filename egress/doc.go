// Package egress is the host-side door for the network connections of a
// session's VM. The VM has no network card: the guest asks the host to
// "dial host:port" over the agent channel, and the host calls Gate.Dial,
// which alone decides, dials and logs.
//
// # Flow
//
// A session makes one Gate from its Policy (allow and deny rules, ports,
// what to do with unknown hosts, limits) and Options (resolver, dialer,
// the function that asks the user, the log). Gate.Dial validates the host,
// applies the rules, asks the user about unknown hosts if the policy says
// so (once per host and port per session, one question for concurrent
// dials), resolves the name once on the host, refuses the whole name if
// any address in the answer is special, and dials the checked addresses,
// never the name. Every outcome is logged as a Decision, and every
// connection it returns logs one more when it is closed. Gate.Close ends
// the session and closes what is still open.
//
// # What the gate protects against
//
// The adversary is the code in the guest (or the model driving it) trying
// to reach what the user's machine can reach but the internet cannot, or
// to use the network without limit.
//
//   - Requests to the host, the LAN and the cloud: loopback, private,
//     carrier-grade NAT, unique-local, link-local, site-local, multicast,
//     broadcast, unspecified, reserved, documentation and benchmarking
//     ranges, cloud metadata and host-agent addresses (including Azure's
//     public 168.63.129.16), and the host's own interface addresses are
//     refused, also when a name resolves to them and when they are
//     embedded in IPv4-mapped, IPv4-compatible, NAT64 or 6to4 addresses.
//     Teredo and other IPv6 ranges outside 2000::/3 are refused outright.
//     Only an IP-literal allow rule ("127.0.0.1:8443") opens one exact
//     address, on the ports it covers.
//   - Alternate spellings: numeric IPv4 forms ("127.1", "2130706433",
//     "0x7f000001"), zones, underscores, non-ASCII and single-label names
//     are refused; names are lowercased and lose one trailing dot before
//     any rule sees them, so "LOCALHOST." or "Example.COM" cannot slip past
//     a rule, and "example.com.evil.net" or "badexample.com" do not match
//     "example.com" or "*.example.com".
//   - DNS rebinding: each Dial resolves once, checks every address, refuses
//     the whole name if any is special (a mixed answer is a rebinding
//     sign), and dials only the checked addresses. Names are resolved fully
//     qualified, so the host's search domains cannot turn "example.com"
//     into an internal name.
//   - DNS exfiltration by lookups: a name that a rule refuses, or that the
//     user has not approved or has declined, is never resolved.
//   - Resource abuse: a per-session byte cap (both directions, all
//     connections), a per-connection time cap that deadlines set through
//     the connection cannot extend, and a per-session cap on connection
//     attempts per minute, which also bounds open connections to about
//     MaxDialsPerMinute times MaxConnTime in minutes.
//
// Errors returned to the caller hold only facts the gate computed and are
// safe to show to the model; causes that may describe the host (resolver
// addresses, system errors) go to the log.
//
// # What the gate does not protect against
//
//   - Whatever flows through an allowed connection: data sent to an
//     allowed host, domain fronting (a TLS SNI or HTTP Host different from
//     the host dialled), and HTTP redirects. The gate sees streams, not
//     requests; the proxy in front of it must check SNI and Host against
//     the dialled name, and each redirect hop is a new Dial that is checked
//     again only if the client makes it through the proxy.
//   - DNS exfiltration when Policy.Unknown is ModeAllow: then any name is
//     resolved, and the host's resolver sends it out.
//   - Addresses that are special only on this host's network: a VPN or
//     corporate network routing public-looking ranges internally, or the
//     public address of a NAT the host sits behind (hairpinning). Deny
//     rules can name such addresses; a name that resolves to them is
//     refused too.
//   - IPv4 addresses embedded in IPv6 addresses by schemes other than
//     those above (ISATAP interface identifiers, network-specific NAT64
//     prefixes): a host whose network translates them can reach the
//     embedded IPv4 address.
//   - Homographs: punycode names are matched as they are spelled; showing
//     them to the user unambiguously is the prompt's job.
//   - Anything but TCP: there is no UDP path (no QUIC, no WebRTC), because
//     the VM has no network card and the gate only dials TCP.
package egress
