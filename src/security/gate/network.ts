// Client address helpers: canonical IP text and the network (/24 or /56) that spraying limits count by.
import net from 'node:net';

/** IPv4-mapped IPv6 ("::ffff:1.2.3.4") becomes plain IPv4; IPv6 is lower-cased and fully expanded. */
export function canonicalIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (net.isIPv6(ip)) return expandIPv6(ip).join(':');
  return ip;
}

function expandIPv6(ip: string): string[] {
  let text = ip.toLowerCase().split('%')[0] ?? '';
  // An embedded IPv4 tail ("::1.2.3.4") becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array(Math.max(0, missing)).fill('0'), ...right].map((g) => g.padStart(4, '0'));
}

/** The network an address belongs to for per-network limits: IPv4 /24, IPv6 /56. */
export function networkOf(ip: string): string {
  const canonical = canonicalIp(ip);
  if (net.isIPv4(canonical)) return `${canonical.split('.').slice(0, 3).join('.')}.0/24`;
  if (net.isIPv6(ip)) {
    const groups = canonical.split(':');
    return `${groups.slice(0, 3).join(':')}:${(groups[3] ?? '0000').slice(0, 2)}00::/56`;
  }
  return canonical;
}

/** The host an address stands for in per-address connection limits: the IPv4 address itself, or the IPv6 /64 (one host's usual allocation). */
export function hostOf(ip: string): string {
  const canonical = canonicalIp(ip);
  if (net.isIPv6(canonical)) return `${canonical.split(':').slice(0, 4).join(':')}::/64`;
  return canonical;
}
