// The image proxy over real sockets: remote images of mail flow through it only with a valid signature of this account, and the SSRF guard refuses every internal address, redirect, port, type and size it must.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/app/logger.js';
import type { App } from '../../src/app/open-app.js';
import { openApp } from '../../src/app/open-app.js';
import { buildHTTPApp } from '../../src/web/api/http-app.js';
import { WEBMAIL_CSP } from '../../src/web/api/webmail-static.js';
import { ImageProxySigner } from '../../src/web/api/mail/image-proxy.js';
import { isPublicAddress } from '../../src/web/api/mail/public-address.js';
import type { SafeFetchTestOptions } from '../../src/web/api/mail/safe-fetch.js';
import { ImageFetchError, PROXY_USER_AGENT, fetchRemoteImage } from '../../src/web/api/mail/safe-fetch.js';
import { APIClient } from '../support/api-client.js';
import { chromiumUnavailable, launchChromium } from '../support/browser.js';
import { ephemeralPortsEnv, removeTempDataDirs, tempDataDir } from '../support/cli.js';
import { passwordOf } from '../support/mail-server.js';

const ALICE = 'alice@example.test';
const BOB = 'bob@example.test';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const SIX_MB = 6 * 1024 * 1024;
const noChromium = chromiumUnavailable('image proxy browser check');

interface Hit {
  path: string;
  host: string | undefined;
  cookie: string | undefined;
  referer: string | undefined;
  userAgent: string | undefined;
}

/** A sender's image host: pictures, things that are not pictures, redirects and a host that never answers. */
function startImageHost(hits: Hit[]): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    hits.push({ path: url.pathname, host: request.headers.host, cookie: request.headers.cookie, referer: request.headers.referer, userAgent: request.headers['user-agent'] });
    switch (url.pathname) {
      case '/pixel.png':
        response.writeHead(200, { 'content-type': 'image/png', 'set-cookie': 'tracker=1' }).end(PNG);
        return;
      case '/logo.svg':
        response.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
        return;
      case '/page.html':
        response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>not an image</h1>');
        return;
      case '/gzip.png':
        response.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip' }).end(PNG);
        return;
      case '/huge-declared.png':
        response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(SIX_MB) }).end(Buffer.alloc(1024));
        return;
      case '/huge-streamed.png': {
        // No length announced: the proxy must count while it reads and stop past 5 MB.
        response.writeHead(200, { 'content-type': 'image/png' });
        const chunk = Buffer.alloc(64 * 1024);
        let sent = 0;
        const pump = (): void => {
          while (sent < SIX_MB) {
            sent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        response.on('error', () => undefined);
        pump();
        return;
      }
      case '/redirect':
        response.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
        return;
      case '/loop':
        response.writeHead(302, { location: `/loop?n=${Number(url.searchParams.get('n') ?? '0') + 1}` }).end();
        return;
      case '/slow.png':
        return; // never answers
      default:
        response.writeHead(404, { 'content-type': 'text/plain' }).end('no');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function portOf(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}

describe('image proxy', () => {
  let app: App;
  let web: FastifyInstance;
  let base: string;
  let host: http.Server;
  let internal: http.Server;
  let hostPort: number;
  let alice: APIClient;
  let bob: APIClient;
  let aliceId: number;
  let bobId: number;
  let signer: ImageProxySigner;
  const hits: Hit[] = [];
  /** What the app answered to image-proxy requests, and whether the browser sent the session cookie. */
  const proxyAnswers: Array<{ cookie: boolean; site: string | undefined; status: number }> = [];
  const internalHits: Hit[] = [];
  /** The guard's test-only relaxations; each test sets what it needs, {} is the real guard. */
  const relax: SafeFetchTestOptions = {};
  const loopbackAllowed = (address: string): boolean => address === '127.0.0.1';

  async function signIn(address: string): Promise<APIClient> {
    const client = new APIClient(base);
    const response = await client.call('POST', '/api/v1/session', { address, password: passwordOf(address) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return client;
  }

  /** The proxy as the reading pane's <img> asks it: a GET with the session cookie and nothing else. */
  async function load(client: APIClient | undefined, path: string): Promise<Response> {
    const headers: Record<string, string> = client ? { cookie: `mw_session=${client.cookies.get('mw_session')}` } : {};
    return fetch(new URL(path, base), { headers });
  }

  async function failure(response: Response): Promise<{ status: number; code: string; reason?: string }> {
    const body = (await response.json()) as { status: number; code: string; details?: { reason?: string } };
    return { status: response.status, code: body.code, ...(body.details?.reason ? { reason: body.details.reason } : {}) };
  }

  /** Delivers an HTML mail to Alice and reads it with remoteImages=allow: the proxied src of each image, in order. */
  async function proxiedSources(images: string[], options: { authResults?: unknown; query?: string } = {}): Promise<{ srcs: string[]; view: Record<string, unknown> }> {
    const html = images.map((src) => `<img src="${src.replace(/&/g, '&amp;')}" alt="i">`).join('');
    const raw = Buffer.from(
      `From: News <news@sender.example>\r\nTo: ${ALICE}\r\nSubject: pictures\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p>${html}\r\n`,
    );
    const [stored] = await app.mail.deliver({ raw, targets: [{ accountId: aliceId, mailbox: 'INBOX' }], ...(options.authResults ? { authResults: options.authResults } : {}) });
    const read = await alice.call('GET', `/api/v1/mail/folders/INBOX/messages/${stored!.uid}${options.query ?? '?remoteImages=allow'}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    const srcs = [...(read.body['html'] as string).matchAll(/<img[^>]*?\ssrc="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    return { srcs, view: read.body };
  }

  beforeAll(async () => {
    host = await startImageHost(hits);
    internal = await startImageHost(internalHits);
    hostPort = portOf(host);
    const data = tempDataDir('mailward-image-proxy-');
    const config = loadConfig({ env: { ...ephemeralPortsEnv(), MAILWARD_HOSTNAME: 'mail.example.test' } });
    app = await openApp({ dataDir: data, config, logger: createLogger({ level: 'silent' }), env: {} });
    await app.accounts.addDomain('example.test');
    aliceId = (await app.accounts.addUser({ address: ALICE, password: passwordOf(ALICE) })).id;
    bobId = (await app.accounts.addUser({ address: BOB, password: passwordOf(BOB) })).id;
    web = buildHTTPApp({
      logger: pino({ level: 'silent' }),
      checkStorage: () => app.store.ping(),
      security: app.security,
      mail: {
        mailboxes: app.mailboxes,
        events: app.events,
        accounts: app.accounts,
        recipients: app.recipients,
        maxMessageBytes: 10 * 1024 * 1024,
        imageSenders: app.store.imageSenders,
        imageProxy: { key: app.key, test: relax },
        now: app.now,
      },
    });
    web.addHook('onResponse', async (request, reply) => {
      if (!request.url.startsWith('/api/v1/mail/image-proxy')) return;
      const site = request.headers['sec-fetch-site'];
      proxyAnswers.push({ cookie: request.headers.cookie !== undefined, site: typeof site === 'string' ? site : undefined, status: reply.statusCode });
    });
    await web.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
    alice = await signIn(ALICE);
    bob = await signIn(BOB);
    signer = new ImageProxySigner(app.key);
  });
  beforeEach(() => {
    delete relax.allowAddress;
    delete relax.lookup;
    hits.length = 0;
    internalHits.length = 0;
  });
  afterAll(async () => {
    await web?.close();
    await app?.close();
    host?.close();
    internal?.close();
    removeTempDataDirs();
  });

  it('loads an image of the mail through the proxy: same-origin src, the bytes, safe headers, nothing of the reader sent on', async () => {
    relax.allowAddress = loopbackAllowed;
    const original = `http://127.0.0.1:${hostPort}/pixel.png?u=alice&c=1`;
    const { srcs, view } = await proxiedSources([original]);
    expect(view['remoteImagesBlocked']).toBe(false);
    expect(srcs).toEqual([`/api/v1/mail/image-proxy?u=${encodeURIComponent(original)}&s=${signer.sign(aliceId, original)}`]);
    expect(view['html']).not.toContain(`src="http://127.0.0.1`);

    const response = await load(alice, srcs[0]!);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(response.headers.get('cache-control')).toBe('private, max-age=86400');
    // The image host's cookie stays with the proxy; the reader's cookie and page never reach the host.
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(hits).toEqual([{ path: '/pixel.png', host: `127.0.0.1:${hostPort}`, cookie: undefined, referer: undefined, userAgent: PROXY_USER_AGENT }]);

    // Blocked by default: no proxy URL, the original kept aside for "Show images".
    const blocked = await proxiedSources([original], { query: '' });
    expect(blocked.srcs).toEqual([]);
    expect(blocked.view['html']).toContain('data-remote-src=');
    expect(blocked.view['remoteImagesBlocked']).toBe(true);
  });

  it('refuses a signature that is wrong, altered, of another account, or missing, and a request without a session', async () => {
    relax.allowAddress = loopbackAllowed;
    const url = `http://127.0.0.1:${hostPort}/pixel.png`;
    const good = signer.sign(aliceId, url);
    const path = (u: string, s: string): string => `/api/v1/mail/image-proxy?u=${encodeURIComponent(u)}&s=${s}`;
    expect((await load(alice, path(url, good))).status).toBe(200);

    const flipped = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    expect(await failure(await load(alice, path(url, flipped)))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await failure(await load(alice, path(`${url}?other`, good)))).toEqual({ status: 403, code: 'FORBIDDEN' });
    // Bob's link (from Bob's mail) is no key for Alice's session, and the reverse.
    expect(await failure(await load(alice, path(url, signer.sign(bobId, url))))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await failure(await load(bob, path(url, good)))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await load(bob, path(url, signer.sign(bobId, url)))).status).toBe(200);
    expect(await failure(await load(alice, `/api/v1/mail/image-proxy?u=${encodeURIComponent(url)}`))).toEqual({ status: 400, code: 'INVALID_INPUT' });
    expect(await failure(await load(alice, path(url, 'short')))).toEqual({ status: 400, code: 'INVALID_INPUT' });
    expect((await load(undefined, path(url, good))).status).toBe(401);
    // A signature from another server key is worthless here.
    const stranger = new ImageProxySigner({ key: () => Buffer.alloc(32, 7) });
    expect(await failure(await load(alice, path(url, stranger.sign(aliceId, url))))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(hits.filter((h) => h.path === '/pixel.png')).toHaveLength(2);
  });

  it('without the test-only permission refuses loopback, private, link-local (metadata), CGNAT, multicast, unspecified and IPv6 internal addresses, and names resolving to them', async () => {
    const attacks = [
      'http://127.0.0.1/pixel.png',
      `http://127.0.0.1:${hostPort}/pixel.png`,
      'http://10.0.0.1/pixel.png',
      'http://192.168.1.1/pixel.png',
      'http://172.16.5.5/pixel.png',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://100.64.0.1/pixel.png',
      'http://0.0.0.0/pixel.png',
      'http://224.0.0.1/pixel.png',
      'http://2130706433/pixel.png', // 127.0.0.1 written as one number
      'http://0x7f.1/pixel.png',
      'http://[::1]/pixel.png',
      'http://[::]/pixel.png',
      'http://[::ffff:127.0.0.1]/pixel.png',
      'http://[::ffff:a9fe:a9fe]/pixel.png', // 169.254.169.254, IPv4-mapped
      'http://[64:ff9b::a00:1]/pixel.png', // 10.0.0.1 through NAT64
      'http://[fd00::1]/pixel.png',
      'http://[fe80::1]/pixel.png',
      'http://[ff02::1]/pixel.png',
      'http://localhost/pixel.png',
      `http://localhost:${hostPort}/pixel.png`,
    ];
    const { srcs } = await proxiedSources(attacks);
    expect(srcs).toHaveLength(attacks.length);
    for (const [i, src] of srcs.entries()) {
      const answer = await failure(await load(alice, src));
      // Port 80 is a web port, so the address is what is refused; another port is refused before any DNS query.
      const reason = attacks[i]!.includes(`:${hostPort}/`) ? 'refused-url' : 'refused-address';
      expect(answer, attacks[i]).toEqual({ status: 403, code: 'FORBIDDEN', reason });
    }
    expect(hits).toEqual([]);

    // Schemes and ports other than http(s) on 80/443 are refused however the URL got signed.
    for (const url of ['ftp://images.example/x.png', 'file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'http://images.example:8080/x.png', 'http://user:pw@images.example/x.png']) {
      expect(await failure(await load(alice, signer.proxyURL(aliceId, url))), url).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'refused-url' });
    }
  });

  it('resolves a name once and connects to that address with the name as Host; refuses a name with any internal address', async () => {
    let lookups = 0;
    relax.allowAddress = loopbackAllowed;
    // The first answer passes; a rebinding resolver would answer an internal address next time.
    relax.lookup = async (name) => {
      lookups++;
      expect(name).toBe('images.sender.example');
      return lookups === 1 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.1', family: 4 }];
    };
    const response = await load(alice, signer.proxyURL(aliceId, `http://images.sender.example:${hostPort}/pixel.png`));
    expect(response.status).toBe(200);
    expect(lookups).toBe(1);
    expect(hits.map((h) => h.host)).toEqual([`images.sender.example:${hostPort}`]);

    delete relax.allowAddress;
    relax.lookup = async () => [{ address: '93.184.215.14', family: 4 }, { address: '127.0.0.1', family: 4 }];
    expect(await failure(await load(alice, signer.proxyURL(aliceId, 'http://mixed.example/pixel.png')))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'refused-address' });
    relax.lookup = async () => [{ address: '::1', family: 6 }];
    expect(await failure(await load(alice, signer.proxyURL(aliceId, 'https://v6.example/pixel.png')))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'refused-address' });
    relax.lookup = async () => {
      throw Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await failure(await load(alice, signer.proxyURL(aliceId, 'http://nowhere.example/pixel.png')))).toEqual({ status: 502, code: 'NOT_FOUND', reason: 'unreachable' });
  });

  it('checks every redirect like the first URL: a redirect to 127.0.0.1 or the metadata service is refused, more than 3 are not followed', async () => {
    // Only the sender's host itself (this one port of 127.0.0.1) is let through, nothing else on loopback.
    relax.allowAddress = (address, port) => address === '127.0.0.1' && port === hostPort;
    const hop = (to: string): string => `http://127.0.0.1:${hostPort}/redirect?to=${encodeURIComponent(to)}`;
    expect((await load(alice, signer.proxyURL(aliceId, hop(`http://127.0.0.1:${hostPort}/pixel.png`)))).status).toBe(200);

    for (const target of [`http://127.0.0.1:${portOf(internal)}/pixel.png`, 'http://127.0.0.1/pixel.png', 'http://localhost/pixel.png', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/pixel.png']) {
      expect(await failure(await load(alice, signer.proxyURL(aliceId, hop(target)))), target).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
    expect(internalHits).toEqual([]);

    hits.length = 0;
    const loop = await failure(await load(alice, signer.proxyURL(aliceId, `http://127.0.0.1:${hostPort}/loop`)));
    expect(loop).toEqual({ status: 502, code: 'NOT_FOUND', reason: 'too-many-redirects' });
    expect(hits.map((h) => h.path)).toEqual(['/loop', '/loop', '/loop', '/loop']);
  });

  it('serves raster images only, up to 5 MB: SVG, HTML, compressed and oversized answers are refused', async () => {
    relax.allowAddress = loopbackAllowed;
    const at = (path: string): string => signer.proxyURL(aliceId, `http://127.0.0.1:${hostPort}${path}`);
    expect(await failure(await load(alice, at('/logo.svg')))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'not-image' });
    expect(await failure(await load(alice, at('/page.html')))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'not-image' });
    expect(await failure(await load(alice, at('/gzip.png')))).toEqual({ status: 403, code: 'FORBIDDEN', reason: 'not-image' });
    expect(await failure(await load(alice, at('/huge-declared.png')))).toEqual({ status: 413, code: 'TOO_BIG', reason: 'too-big' });
    expect(await failure(await load(alice, at('/huge-streamed.png')))).toEqual({ status: 413, code: 'TOO_BIG', reason: 'too-big' });
    expect(await failure(await load(alice, at('/missing.png')))).toEqual({ status: 502, code: 'NOT_FOUND', reason: 'unreachable' });
  });

  it('gives up on a host that does not answer within the time limit', async () => {
    const started = Date.now();
    const error = await fetchRemoteImage(`http://127.0.0.1:${hostPort}/slow.png`, { test: { allowAddress: loopbackAllowed }, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageFetchError);
    expect((error as ImageFetchError).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('loads images by itself for a listed sender only when the mail passed sender authentication', async () => {
    relax.allowAddress = loopbackAllowed;
    const url = `http://127.0.0.1:${hostPort}/pixel.png`;
    expect((await alice.call('POST', '/api/v1/mail/image-senders', { address: 'News@Sender.Example' })).status).toBe(200);
    const passed = { spf: 'pass', dkim: [{ domain: 'sender.example', result: 'pass' }], dmarc: { result: 'pass', policy: 'reject', domain: 'sender.example' }, arc: 'none' };
    const trusted = await proxiedSources([url], { authResults: passed, query: '' });
    expect(trusted.view).toMatchObject({ imagesAllowedForSender: true, senderAuthenticated: true, remoteImagesBlocked: false });
    expect(trusted.srcs).toEqual([signer.proxyURL(aliceId, url)]);
    expect((await load(alice, trusted.srcs[0]!)).status).toBe(200);

    // The same From without authentication (forged, or delivered without verdicts): asked again.
    const forged = { spf: 'fail', dkim: [], dmarc: { result: 'fail', policy: 'none', domain: 'sender.example' }, arc: 'none' };
    for (const authResults of [forged, undefined]) {
      const shown = await proxiedSources([url], { query: '', ...(authResults ? { authResults } : {}) });
      expect(shown.view).toMatchObject({ imagesAllowedForSender: false, senderAuthenticated: false, remoteImagesBlocked: true });
      expect(shown.srcs).toEqual([]);
    }
    // Bob's list is his own.
    expect((await bob.call<{ senders: unknown[] }>('GET', '/api/v1/mail/image-senders')).body.senders).toEqual([]);
  });

  it.skipIf(noChromium)('loads a proxied image in a srcdoc frame under the webmail CSP when the sandbox allows same-origin (an empty sandbox sends no cookie)', async () => {
    relax.allowAddress = loopbackAllowed;
    const src = signer.proxyURL(aliceId, `http://127.0.0.1:${hostPort}/pixel.png`);
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'mw_session', value: alice.cookies.get('mw_session')!, url: base, httpOnly: true, sameSite: 'Lax' }]);
      const page = await context.newPage();
      proxyAnswers.length = 0;
      // A page of the webmail (served under its own CSP, img-src 'self' data:) gets the two frames the
      // reading pane could use; the test's script is not subject to the page's CSP.
      const answer = await page.goto(`${base}/mail/check`);
      expect(answer?.headers()['content-security-policy']).toBe(WEBMAIL_CSP);
      await page.evaluate(`for (const sandbox of ['', 'allow-same-origin']) {
        const frame = document.createElement('iframe');
        frame.id = sandbox || 'empty';
        frame.setAttribute('sandbox', sandbox);
        frame.srcdoc = ${JSON.stringify(`<img src="${src.replace(/&/g, '&amp;')}">`)};
        document.body.append(frame);
      }`);
      const widthIn = async (id: string): Promise<number> => {
        const image = page.frameLocator(`#${id}`).locator('img');
        const state = (): Promise<{ complete: boolean; naturalWidth: number }> =>
          image.evaluate((img) => ({ complete: (img as unknown as { complete: boolean }).complete, naturalWidth: (img as unknown as { naturalWidth: number }).naturalWidth }));
        await expect.poll(async () => (await state()).complete).toBe(true);
        return (await state()).naturalWidth;
      };
      expect(await widthIn('allow-same-origin')).toBe(1);
      // The empty sandbox gives the frame an opaque origin: its image request is cross-site, the
      // SameSite=Lax session cookie stays home and the proxy answers 401.
      expect(await widthIn('empty')).toBe(0);
      expect(proxyAnswers.sort((a, b) => a.status - b.status)).toEqual([
        { cookie: true, site: 'same-origin', status: 200 },
        { cookie: false, site: 'cross-site', status: 401 },
      ]);
      expect(hits.filter((h) => h.path === '/pixel.png')).toHaveLength(1);
    } finally {
      await browser.close();
    }
  });

  it('classifies addresses as public only when they are global unicast', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '2002:5db8:d70e::1']) expect(isPublicAddress(address), address).toBe(true);
    for (const address of [
      '127.0.0.1', '127.255.255.254', '10.1.2.3', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.127.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.251', '198.18.0.1',
      '::', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::FFFF:10.0.0.1', '::ffff:a9fe:a9fe', '::127.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::', '2002:c0a8:101::1',
      'fc00::1', 'fdff:ffff::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', '2001:db8::1', '2001:0:4136:e378::1',
      '::8.8.8.8', '::808:808', '64:ff9b:1::808:808', '100::1', '2001:2::1', '3fff::1',
      'not-an-address', '', '1.2.3', '999.1.1.1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });
});
