// Where a sign-in came from, from an offline MaxMind DB file (GeoLite2/GeoIP2 City or Country, or any MMDB of that shape); never a network call.
import fs from 'node:fs';
import net from 'node:net';
import type { CityResponse } from 'maxmind';
import { Reader } from 'maxmind';
import { MailwardError } from '../../errors/index.js';
import { canonicalIp } from './network.js';

export const LOCATION_LOCAL = 'Local network';
export const LOCATION_UNKNOWN = 'Unknown';

export interface GeoIP {
  /** "City, Region, Country" as far as the database knows, "Local network", or "Unknown". */
  locate(ip: string): string;
}

/**
 * Addresses that never leave a site (RFC 1918, loopback, link-local, CGNAT, unique local): a
 * database cannot place them, and "Local network" tells the user more than "Unknown".
 */
const LOCAL = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  LOCAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  LOCAL.addSubnet(network, prefix, 'ipv6');
}

export function isLocalAddress(ip: string): boolean {
  const canonical = canonicalIp(ip);
  const family = net.isIPv4(canonical) ? 'ipv4' : net.isIPv6(canonical) ? 'ipv6' : undefined;
  return family !== undefined && LOCAL.check(canonical, family);
}

/** The English name of a record, if it has one (MaxMind names every place at least in "en"). */
function nameOf(record: { readonly names?: { readonly en?: string } } | undefined): string | undefined {
  const name = record?.names?.en;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** A database-backed locator; the file is read once and each lookup is a walk of its tree in memory (microseconds). */
export class MaxMindGeoIP implements GeoIP {
  constructor(private readonly reader: Reader<CityResponse>) {}

  /** Reads the database file; a file that is missing or not an MMDB is a configuration error at start. */
  static open(file: string): MaxMindGeoIP {
    let buffer: Buffer;
    try {
      buffer = fs.readFileSync(file);
    } catch (error) {
      throw new MailwardError('CONFIG_INVALID', { message: `geoip.database: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, cause: error });
    }
    try {
      return new MaxMindGeoIP(new Reader<CityResponse>(buffer));
    } catch (error) {
      throw new MailwardError('CONFIG_INVALID', { message: `geoip.database: ${file} is not a MaxMind DB file`, cause: error });
    }
  }

  locate(ip: string): string {
    const canonical = canonicalIp(ip);
    if (isLocalAddress(canonical)) return LOCATION_LOCAL;
    if (net.isIP(canonical) === 0) return LOCATION_UNKNOWN;
    let record: CityResponse | null;
    try {
      record = this.reader.get(canonical);
    } catch {
      // An IPv6 address in an IPv4-only database, say: nothing to tell.
      return LOCATION_UNKNOWN;
    }
    if (!record) return LOCATION_UNKNOWN;
    const parts = [nameOf(record.city), nameOf(record.subdivisions?.[0]), nameOf(record.country ?? record.registered_country)].filter(
      (part): part is string => part !== undefined,
    );
    const unique = parts.filter((part, i) => parts.indexOf(part) === i);
    return unique.length > 0 ? unique.join(', ') : LOCATION_UNKNOWN;
  }
}

/** Without a database every public address is "Unknown" (and local ones still "Local network"). */
export class NoGeoIP implements GeoIP {
  locate(ip: string): string {
    return isLocalAddress(ip) ? LOCATION_LOCAL : LOCATION_UNKNOWN;
  }
}

/** The locator for a configured path ("" = none). */
export function openGeoIP(options: { database: string }): GeoIP {
  return options.database === '' ? new NoGeoIP() : MaxMindGeoIP.open(options.database);
}
