// Decides where mail for a domain goes: the smarthost, or the domain's MX hosts (RFC 5321 §5.1, RFC 7505) as addresses to try in order.
import { isIP } from 'node:net';
import type { DNSResolver, MXRecord } from '../dns/dns-resolver.js';
import type { OutboundSettings } from './outbound-settings.js';

/**
 * TLS on one hop. "opportunistic": STARTTLS when offered, plain otherwise, certificate not checked
 * (RFC 7435: without DANE or MTA-STS an MX certificate proves nothing, and refusing it would only
 * push the mail to plain text). "required": STARTTLS or no delivery. "implicit": TLS from the first
 * byte. "none": never TLS.
 */
export type HopTLS = 'opportunistic' | 'required' | 'implicit' | 'none';

export interface Hop {
  /** What to connect to: an IP address, or the smarthost's configured name. */
  host: string;
  port: number;
  /** The host's name: SNI, certificate check and the DSN's Remote-MTA. */
  name: string;
  tls: HopTLS;
  /** Check the certificate against `name` (the smarthost, which gets our credentials). */
  verifyCertificate: boolean;
  ca?: string;
  auth?: { user: string; pass: string };
}

/** A failure decided before any connection: the same for every recipient of the domain. */
export interface RouteFailure {
  permanent: boolean;
  /** Enhanced status code (RFC 3463). */
  status: string;
  diagnostic: string;
}

export type Route = { kind: 'hops'; hops: Hop[] } | { kind: 'fail'; failure: RouteFailure };

/** A domain with many MX hosts and addresses could keep one delivery busy for hours; try this many. */
const MAX_HOPS = 10;

function dnsCode(error: unknown): string {
  return String((error as { code?: unknown } | null)?.code ?? 'ERROR');
}

/** NXDOMAIN and NODATA are answers; anything else (timeout, SERVFAIL) says nothing about the domain. */
function isDefiniteAbsence(error: unknown): boolean {
  const code = dnsCode(error);
  return code === 'ENOTFOUND' || code === 'ENODATA';
}

/** RFC 5321 §5.1: lowest preference first; equal preferences in random order to spread the load. */
function orderMX(records: MXRecord[]): MXRecord[] {
  const shuffled = records.map((record) => ({ record, tie: Math.random() }));
  shuffled.sort((a, b) => a.record.priority - b.record.priority || a.tie - b.tie);
  return shuffled.map((entry) => entry.record);
}

function isNullMX(records: MXRecord[]): boolean {
  return records.length === 1 && records[0]!.priority === 0 && ['', '.'].includes(records[0]!.exchange.trim());
}

/** A host's addresses through our resolver (so tests never reach the real DNS); [] when it has none. */
async function addressesOf(resolver: DNSResolver, host: string): Promise<{ addresses: string[]; error?: unknown }> {
  const name = host.replace(/\.$/, '');
  if (isIP(name)) return { addresses: [name] };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (addresses.length > 0) return { addresses };
  const failure = [v4, v6].find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isDefiniteAbsence(r.reason));
  return failure ? { addresses: [], error: failure.reason } : { addresses: [] };
}

function mxHop(settings: OutboundSettings, address: string, name: string): Hop {
  return {
    host: address,
    port: settings.port,
    name: name.replace(/\.$/, '').toLowerCase(),
    tls: settings.requireTLS ? 'required' : 'opportunistic',
    verifyCertificate: false,
  };
}

function smarthostRoute(settings: OutboundSettings): Route {
  const relay = settings.smarthost!;
  const tls: HopTLS = relay.tls === 'starttls' ? 'required' : relay.tls;
  const port = relay.port || (relay.tls === 'implicit' ? 465 : 587);
  return {
    kind: 'hops',
    hops: [
      {
        host: relay.host,
        port,
        name: relay.host,
        tls,
        // The smarthost receives our credentials and all our mail: its certificate is always checked.
        verifyCertificate: tls !== 'none',
        ...(relay.ca ? { ca: relay.ca } : {}),
        ...(relay.username ? { auth: { user: relay.username, pass: relay.password } } : {}),
      },
    ],
  };
}

/** Where mail for `domain` goes now; DNS failures that may heal are temporary, answers that will not are permanent. */
export async function resolveRoute(domain: string, deps: { resolver: DNSResolver; settings: OutboundSettings }): Promise<Route> {
  const { resolver, settings } = deps;
  if (settings.smarthost) return smarthostRoute(settings);

  let records: MXRecord[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (error) {
    if (!isDefiniteAbsence(error)) {
      return { kind: 'fail', failure: { permanent: false, status: '4.4.3', diagnostic: `MX lookup for ${domain} failed: ${dnsCode(error)}` } };
    }
    records = [];
  }

  if (isNullMX(records)) {
    return { kind: 'fail', failure: { permanent: true, status: '5.1.10', diagnostic: `${domain} does not accept mail (null MX, RFC 7505)` } };
  }

  // A null MX among real ones is a misconfiguration; the real ones still say where mail goes.
  const exchanges = orderMX(records.filter((r) => !['', '.'].includes(r.exchange.trim())));
  if (exchanges.length === 0) {
    // RFC 5321 §5.1: no MX records at all: the domain itself is the implicit MX.
    const { addresses, error } = await addressesOf(resolver, domain);
    if (addresses.length > 0) return { kind: 'hops', hops: addresses.slice(0, MAX_HOPS).map((a) => mxHop(settings, a, domain)) };
    if (error) return { kind: 'fail', failure: { permanent: false, status: '4.4.3', diagnostic: `address lookup for ${domain} failed: ${dnsCode(error)}` } };
    return { kind: 'fail', failure: { permanent: true, status: '5.1.2', diagnostic: `${domain} has no MX and no address records` } };
  }

  const hops: Hop[] = [];
  let lookupError: unknown;
  for (const record of exchanges) {
    if (hops.length >= MAX_HOPS) break;
    const { addresses, error } = await addressesOf(resolver, record.exchange);
    lookupError ??= error;
    for (const address of addresses) hops.push(mxHop(settings, address, record.exchange));
  }
  if (hops.length > 0) return { kind: 'hops', hops: hops.slice(0, MAX_HOPS) };
  // MX hosts without addresses may be fixed by their admin in the next days: try again later.
  const reason = lookupError ? dnsCode(lookupError) : 'no address records';
  return { kind: 'fail', failure: { permanent: false, status: '4.4.4', diagnostic: `no MX host of ${domain} could be resolved (${reason})` } };
}
