// Adapts our DNSResolver (timeouts, cache, test stub) to the `(name, rrtype)` function mailauth calls for SPF, DKIM, DMARC and ARC.
import { isIP } from 'node:net';
import type { DNSResolver as MailauthDNSResolver } from 'mailauth';
import type { DNSResolver } from '../dns/dns-resolver.js';

/** The shape mailauth expects (like dns.promises.resolve). */
export type MailauthResolver = MailauthDNSResolver;

function notFound(name: string): Error {
  return Object.assign(new Error(`ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
}

/**
 * The address a reverse-lookup name stands for: "4.3.2.1.in-addr.arpa" → "1.2.3.4", and the
 * 32-nibble ip6.arpa form → an IPv6 address; null for anything else.
 */
export function addressOfPTRName(name: string): string | null {
  const lower = name.toLowerCase().replace(/\.$/, '');
  const v4 = /^((?:\d{1,3}\.){3}\d{1,3})\.in-addr\.arpa$/.exec(lower);
  if (v4?.[1]) {
    const address = v4[1].split('.').reverse().join('.');
    return isIP(address) === 4 ? address : null;
  }
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(lower);
  if (v6?.[1]) {
    const hex = v6[1].replace(/\./g, '').split('').reverse().join('');
    const address = (hex.match(/.{4}/g) ?? []).join(':');
    // The WHATWG URL parser prints the canonical (RFC 5952) short form, as resolvers and stubs key it.
    return isIP(address) === 6 ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : null;
  }
  return null;
}

/**
 * MX, TXT, A, AAAA and PTR go to our resolver; any other type answers NXDOMAIN (ENOTFOUND),
 * which mailauth treats as "no record" rather than as a temporary failure.
 */
export function toMailauthResolver(dns: DNSResolver): MailauthResolver {
  return async (name, rrtype) => {
    switch (rrtype.toUpperCase()) {
      case 'TXT':
        return dns.resolveTxt(name);
      case 'MX':
        // mailauth's typings leave out MX answers, but its SPF "mx" mechanism reads {exchange, priority} as node:dns gives them.
        return (await dns.resolveMx(name)) as unknown as string[];
      case 'A':
        return dns.resolve4(name);
      case 'AAAA':
        return dns.resolve6(name);
      case 'PTR': {
        const address = addressOfPTRName(name);
        if (address === null) throw notFound(name);
        return dns.reverse(address);
      }
      default:
        throw notFound(name);
    }
  };
}
