// Client address helpers: canonical IP text, the host and the network (/24, /56 or as told) that limits count by.
import ipaddr from 'ipaddr.js';
import { parseIp } from '../../lib/index.js';
import type { IPAddress } from '../../lib/index.js';

/** The client `ip` names, IPv4-mapped IPv6 ("::ffff:1.2.3.4", from a dual-stack socket) as the IPv4 client itself. */
function clientOf(ip: string): IPAddress | undefined {
  const address = parseIp(ip);
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

/** The eight groups of an IPv6 address, four lower-case hex digits each. */
function groups(address: ipaddr.IPv6): string[] {
  return address.parts.map((part) => part.toString(16).padStart(4, '0'));
}

/** IPv4-mapped IPv6 ("::ffff:1.2.3.4") becomes plain IPv4; IPv6 is lower-cased and fully expanded, without a zone id. */
export function canonicalIp(ip: string): string {
  const address = clientOf(ip);
  if (address === undefined) return ip;
  return address instanceof ipaddr.IPv6 ? groups(address).join(':') : address.toString();
}

/**
 * The network an address belongs to for per-network limits, as CIDR text: IPv4 /24 and IPv6 /56
 * (a typical customer allocation) unless told otherwise. IPv6 prefixes up to /64 only: the text
 * shows the first four groups, and no limit here counts finer than one host's /64.
 */
export function networkOf(ip: string, options: { ipv4Prefix?: number; ipv6Prefix?: number } = {}): string {
  const address = clientOf(ip);
  if (address === undefined) return ip;
  if (address instanceof ipaddr.IPv4) {
    const prefix = options.ipv4Prefix ?? 24;
    return `${ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`).toString()}/${prefix}`;
  }
  const prefix = Math.min(options.ipv6Prefix ?? 56, 64);
  return `${groups(ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`)).slice(0, 4).join(':')}::/${prefix}`;
}

/** The host an address stands for in per-address connection limits: the IPv4 address itself, or the IPv6 /64 (one host's usual allocation). */
export function hostOf(ip: string): string {
  const address = clientOf(ip);
  if (address === undefined) return ip;
  return address instanceof ipaddr.IPv6 ? `${groups(address).slice(0, 4).join(':')}::/64` : address.toString();
}
