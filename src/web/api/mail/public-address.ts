// Whether an IP address is a public unicast address the server may fetch from on a user's behalf (the SSRF guard's address test).
import ipaddr from 'ipaddr.js';
import { parseIp } from '../../../lib/index.js';

/**
 * A URL in a mail is the sender's choice. Fetched by the server, a URL to an internal address
 * would reach what only the server can reach: the cloud metadata service (169.254.169.254 hands
 * out credentials), the database, the admin ports on loopback, the office LAN. ipaddr.js names the
 * special ranges (RFC 6890 and its successors: loopback, private, link-local, carrier-grade NAT,
 * multicast, reserved and documentation, unique local, Teredo, discard, benchmarking, AS112...);
 * only what it calls plain unicast is public. None of the others is a single host on the Internet.
 */
const PUBLIC = 'unicast';

/**
 * ::/96 holds only the two addresses ipaddr.js names (unspecified, loopback) and the deprecated
 * IPv4-compatible form (RFC 4291 §2.5.5.1), which some stacks still route to the IPv4 host; to
 * ipaddr.js it is plain unicast, so the whole prefix is refused here, as it always was.
 */
const V4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/** NAT64's well-known prefix (RFC 6052); the local-use one (64:ff9b:1::/48, RFC 8215) is refused outright. */
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that reach an IPv4
 * host: IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 * "::ffff:127.0.0.1" is loopback however it is written.
 */
function embeddedV4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  const bytes = address.toByteArray();
  if (range === 'rfc6052' && address.match(NAT64)) return new ipaddr.IPv4(bytes.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}

/** True for a public unicast IPv4 or IPv6 address; false for every internal, special or malformed one. */
export function isPublicAddress(address: string): boolean {
  // A zone id only ever comes with link-local addresses, which are refused anyway.
  const parsed = parseIp(address);
  if (parsed === undefined) return false;
  if (parsed instanceof ipaddr.IPv4) return parsed.range() === PUBLIC;
  if (parsed.match(V4_COMPATIBLE)) return false;
  return (embeddedV4(parsed) ?? parsed).range() === PUBLIC;
}
