// IP address text to ipaddr.js values: strictly (node:net's grammar) and as written.
import net from 'node:net';
import ipaddr from 'ipaddr.js';

export type IPAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** The deprecated IPv4-compatible form (RFC 4291 §2.5.5.1): ::/96 with the IPv4 tail dotted. */
const V4_COMPATIBLE = /^::((?:\d{1,3}\.){3}\d{1,3})$/;

/**
 * The address `text` names, or undefined when it names none. node:net decides what is an address,
 * as ipaddr.js alone would also take "127.1" and "2130706433" for 127.0.0.1; a zone id ("%eth0") is
 * dropped. ipaddr.js reads "::a.b.c.d" as IPv4-mapped ("::ffff:a.b.c.d"), which is another address,
 * so that one form is built here as written.
 */
export function parseIp(text: string): IPAddress | undefined {
  const bare = text.split('%')[0] ?? '';
  if (net.isIP(bare) === 0) return undefined;
  const compatible = V4_COMPATIBLE.exec(bare);
  if (compatible) return ipaddr.fromByteArray([...Array<number>(12).fill(0), ...ipaddr.IPv4.parse(compatible[1]!).toByteArray()]);
  return ipaddr.parse(bare);
}
