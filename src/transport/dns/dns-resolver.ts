// The one DNS resolver of the mail layer: timeouts, a small TTL cache, and a stub for tests (which never touch the internet).
import { Resolver } from 'node:dns/promises';

export interface MXRecord {
  exchange: string;
  priority: number;
}

/** The lookups SPF, DKIM, DMARC, ARC and MX routing need; errors carry Node's DNS codes (ENOTFOUND, ENODATA, ETIMEOUT …). */
export interface DNSResolver {
  resolveMx(name: string): Promise<MXRecord[]>;
  resolveTxt(name: string): Promise<string[][]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  reverse(ip: string): Promise<string[]>;
}

type Kind = keyof DNSResolver;

export interface SystemResolverOptions {
  /** Per query; DNS that hangs must not hold an SMTP transaction open. */
  timeoutMs?: number;
  tries?: number;
  /** Upstream servers ("ip" or "ip:port"); the system's by default. */
  servers?: string[];
  /** Answers (and NXDOMAIN/NODATA) are cached this long; real TTLs are not exposed by node:dns for every type. */
  cacheMs?: number;
  maxEntries?: number;
  now?: () => number;
}

function dnsError(code: string, name: string): Error {
  return Object.assign(new Error(`${code} ${name}`), { code, hostname: name });
}

/** A resolver backed by node:dns with a bounded cache. */
export function createSystemResolver(options: SystemResolverOptions = {}): DNSResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: options.tries ?? 2 });
  if (options.servers?.length) resolver.setServers(options.servers);
  const cacheMs = options.cacheMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { expires: number; value?: unknown; error?: Error }>();

  async function cached<T>(kind: Kind, name: string, lookup: () => Promise<T>): Promise<T> {
    const key = `${kind}:${name.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) {
      if (hit.error) throw hit.error;
      return hit.value as T;
    }
    try {
      const value = await lookup();
      remember(key, { expires: now() + cacheMs, value });
      return value;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Only definite answers are cached; a timeout or SERVFAIL is asked again next time.
      if (code === 'ENOTFOUND' || code === 'ENODATA') remember(key, { expires: now() + cacheMs, error: error as Error });
      throw error;
    }
  }

  function remember(key: string, entry: { expires: number; value?: unknown; error?: Error }): void {
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
  }

  return {
    resolveMx: (name) => cached('resolveMx', name, () => resolver.resolveMx(name)),
    resolveTxt: (name) => cached('resolveTxt', name, () => resolver.resolveTxt(name)),
    resolve4: (name) => cached('resolve4', name, () => resolver.resolve4(name)),
    resolve6: (name) => cached('resolve6', name, () => resolver.resolve6(name)),
    reverse: (ip) => cached('reverse', ip, () => resolver.reverse(ip)),
  };
}

export interface StubZone {
  mx?: Record<string, MXRecord[]>;
  txt?: Record<string, string[][]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  ptr?: Record<string, string[]>;
}

/** A resolver answering from a fixed zone (names lower-case, no trailing dot); anything else is NXDOMAIN. */
export function createStubResolver(zone: StubZone): DNSResolver {
  const find = <T>(table: Record<string, T> | undefined, name: string): Promise<T> => {
    const key = name.toLowerCase().replace(/\.$/, '');
    const value = table?.[key];
    return value === undefined ? Promise.reject(dnsError('ENOTFOUND', key)) : Promise.resolve(value);
  };
  return {
    resolveMx: (name) => find(zone.mx, name),
    resolveTxt: (name) => find(zone.txt, name),
    resolve4: (name) => find(zone.a, name),
    resolve6: (name) => find(zone.aaaa, name),
    reverse: (ip) => find(zone.ptr, ip),
  };
}
