// Fetches a remote image for the image proxy behind an SSRF guard: public addresses and web ports only, the resolved address pinned, few redirects, bounded time and size, raster types only.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import net from 'node:net';
import { isPublicAddress } from './public-address.js';

/** Raster types a browser decodes without running anything. SVG is absent: it is a document that can carry script and load more URLs. */
export const IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/x-icon']);

/** The whole fetch, redirects included: a slow host cannot hold a request (and a socket) longer. */
export const FETCH_TIMEOUT_MS = 10_000;
/** Larger answers are aborted while they stream; no mail image needs more. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Redirects followed, each one checked like the first URL. */
export const MAX_REDIRECTS = 3;
/** Says nothing about the reader (browser, system, language): the point of the proxy. */
export const PROXY_USER_AGENT = 'Mailward-Image-Proxy/1.0';

const WEB_PORTS = new Set([80, 443]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export type ImageFetchFailure =
  /** The URL itself is refused: not http(s), credentials in it, a port other than 80/443. */
  | 'refused-url'
  /** The host is or resolves to an internal address. */
  | 'refused-address'
  | 'too-many-redirects'
  /** DNS failed, the connection failed, or the host answered an error status. */
  | 'unreachable'
  | 'timeout'
  | 'too-big'
  /** The answer is not one of IMAGE_TYPES (or is compressed, which would hide its size). */
  | 'not-image';

export class ImageFetchError extends Error {
  constructor(
    readonly reason: ImageFetchFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ImageFetchError';
  }
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Relaxations for tests only. The tests' image server listens on 127.0.0.1 on a random port,
 * which the guard rightly refuses; these let a test open exactly that hole and prove the rest.
 * Set in code by a test, never from configuration: an operator cannot turn the guard off.
 */
export interface SafeFetchTestOptions {
  /** Lets an address and port through that the guard would refuse (e.g. 127.0.0.1 on the test server's port). */
  allowAddress?: (address: string, port: number) => boolean;
  /** Replaces the system resolver (a fake name → address table). */
  lookup?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface FetchedImage {
  contentType: string;
  body: Buffer;
}

async function systemLookup(hostname: string): Promise<ResolvedAddress[]> {
  return dns.promises.lookup(hostname, { all: true, verbatim: true });
}

/** Resolves `promise`, or fails with 'timeout' when the fetch's deadline passes first (dns.lookup cannot be cancelled). */
function beforeDeadline<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ImageFetchError('timeout', 'The image host did not answer in time'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

interface Target {
  url: URL;
  hostname: string;
  port: number;
  address: ResolvedAddress;
}

/**
 * Checks one hop: scheme, credentials, port, and every address the name resolves to. The name is
 * resolved once, here; the connection then goes to that address (a DNS answer that changes between
 * the check and the connect — DNS rebinding — cannot move it inside).
 */
async function checkTarget(url: URL, options: { test?: SafeFetchTestOptions; signal: AbortSignal }): Promise<Target> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ImageFetchError('refused-url', 'Only http and https images are fetched');
  if (url.username !== '' || url.password !== '') throw new ImageFetchError('refused-url', 'An image URL with credentials is not fetched');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (hostname === '') throw new ImageFetchError('refused-url', 'The image URL has no host');
  // Other ports are where internal services listen (Redis, admin consoles); refused before any DNS query.
  if (!WEB_PORTS.has(port) && !options.test?.allowAddress) throw new ImageFetchError('refused-url', 'Only ports 80 and 443 are fetched');
  let addresses: ResolvedAddress[];
  const family = net.isIP(hostname);
  if (family !== 0) {
    addresses = [{ address: hostname, family }];
  } else {
    try {
      addresses = await beforeDeadline((options.test?.lookup ?? systemLookup)(hostname), options.signal);
    } catch (error) {
      if (error instanceof ImageFetchError) throw error;
      throw new ImageFetchError('unreachable', 'The image host name does not resolve');
    }
  }
  if (addresses.length === 0) throw new ImageFetchError('unreachable', 'The image host name does not resolve');
  const allowed = (a: ResolvedAddress): boolean => (WEB_PORTS.has(port) && isPublicAddress(a.address)) || options.test?.allowAddress?.(a.address, port) === true;
  // Every address must pass, not just one: a name that mixes a public and an internal address is
  // built to slip past a check that looks at a different answer than the connection uses.
  if (!addresses.every(allowed)) {
    throw WEB_PORTS.has(port) ? new ImageFetchError('refused-address', 'The image host is an internal address') : new ImageFetchError('refused-url', 'Only ports 80 and 443 are fetched');
  }
  return { url, hostname, port, address: addresses[0]! };
}

/** A resolver that answers every question with the address already checked. */
function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, [address]);
    else callback(null, address.address, address.family);
  }) as LookupFunction;
}

interface Hop {
  response: http.IncomingMessage;
}

function request(target: Target, signal: AbortSignal): Promise<Hop> {
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise<Hop>((resolve, reject) => {
    const req = client.request(
      {
        protocol: target.url.protocol,
        hostname: target.hostname,
        port: target.port,
        path: `${target.url.pathname}${target.url.search}`,
        method: 'GET',
        // Connect to the checked address; the name still goes into Host and, over TLS, into SNI and
        // the certificate check (servername defaults to the host name).
        lookup: pinnedLookup(target.address),
        // A fresh connection each time: a pooled socket could belong to another name's check.
        agent: false,
        signal,
        // No cookie, no Referer, nothing of the reader's: the host learns only that Mailward asked.
        headers: {
          host: target.url.host,
          'user-agent': PROXY_USER_AGENT,
          accept: [...IMAGE_TYPES].join(', '),
          'accept-encoding': 'identity',
        },
      },
      (response) => resolve({ response }),
    );
    req.on('error', (error) => reject(error));
    req.end();
  });
}

function failureOf(error: unknown, signal: AbortSignal): ImageFetchError {
  if (error instanceof ImageFetchError) return error;
  if (signal.aborted) return new ImageFetchError('timeout', 'The image host did not answer in time');
  return new ImageFetchError('unreachable', 'The image host could not be reached');
}

function readBody(response: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    response.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        response.destroy();
        reject(new ImageFetchError('too-big', `The image is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    // A connection cut before the end (or the deadline's abort) closes without 'end'; settling twice is harmless.
    response.on('close', () => {
      if (!response.complete) reject(new Error('The image host closed the connection early'));
    });
  });
}

/** Fetches an image URL found in a mail, or throws ImageFetchError. */
export async function fetchRemoteImage(url: string, options: { test?: SafeFetchTestOptions; timeoutMs?: number; maxBytes?: number } = {}): Promise<FetchedImage> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? FETCH_TIMEOUT_MS);
  const { signal } = controller;
  const limit = options.maxBytes ?? MAX_IMAGE_BYTES;
  try {
    let current: URL;
    try {
      current = new URL(url);
    } catch {
      throw new ImageFetchError('refused-url', 'The image URL is not valid');
    }
    for (let redirects = 0; ; redirects++) {
      const target = await checkTarget(current, { ...(options.test ? { test: options.test } : {}), signal });
      const { response } = await request(target, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) throw new ImageFetchError('too-many-redirects', `The image host redirected more than ${MAX_REDIRECTS} times`);
        try {
          current = new URL(location, current);
        } catch {
          throw new ImageFetchError('unreachable', 'The image host redirected to an invalid URL');
        }
        continue;
      }
      if (status < 200 || status > 299) {
        response.resume();
        throw new ImageFetchError('unreachable', `The image host answered ${status}`);
      }
      const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (!IMAGE_TYPES.has(contentType) || encoding !== 'identity') {
        response.destroy();
        throw new ImageFetchError('not-image', 'The address does not answer with an image the webmail shows');
      }
      const declared = Number(response.headers['content-length'] ?? '0');
      if (declared > limit) {
        response.destroy();
        throw new ImageFetchError('too-big', `The image is larger than ${limit} bytes`);
      }
      return { contentType, body: await readBody(response, limit) };
    }
  } catch (error) {
    throw failureOf(error, signal);
  } finally {
    clearTimeout(timer);
  }
}
