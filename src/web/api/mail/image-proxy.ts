// GET /api/v1/mail/image-proxy: remote images of mail fetched by the server, so the sender learns neither the reader's address nor when the mail was read — and only URLs this server signed for this account.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MailwardError } from '../../../errors/index.js';
import type { ServerKey } from '../../../kernel/index.js';
import { MAIL_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';
import type { FetchedImage, ImageFetchFailure, SafeFetchTestOptions } from './safe-fetch.js';
import { ImageFetchError, fetchRemoteImage } from './safe-fetch.js';

export const IMAGE_PROXY_PATH = MAIL_API.imageProxy.path;

/** What the image proxy needs: the server key its signatures derive from, and relaxations for tests. */
export interface ImageProxyDeps {
  key: Pick<ServerKey, 'key'>;
  /**
   * TESTS ONLY: lets the tests' image server on 127.0.0.1 through the SSRF guard. Only code sets
   * it (see test/web/image-proxy.test.ts); no configuration setting reaches it.
   */
  test?: SafeFetchTestOptions;
}

/**
 * Signs and checks proxy URLs. Without a signature the proxy would be an open proxy: any signed-in
 * user (or a page that tricks one into a request) could make the server fetch any URL. The MAC covers
 * the account too, so a URL from Bob's mail is refused in Alice's session.
 */
export class ImageProxySigner {
  readonly #key: Buffer;

  constructor(serverKey: Pick<ServerKey, 'key'>) {
    this.#key = serverKey.key('image-proxy');
  }

  /** HMAC-SHA-256 over the account id and the URL, base64url (43 characters). */
  sign(accountId: number, url: string): string {
    // The id is digits only, so the first newline ends it: no (id, url) pair collides with another.
    return createHmac('sha256', this.#key).update(`${accountId}\n${url}`).digest('base64url');
  }

  /** Constant-time: the time taken says nothing about how much of a guessed signature was right. */
  verify(accountId: number, url: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(accountId, url));
    const presented = Buffer.from(signature);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }

  /** The same-origin URL an <img> of the message gets instead of the sender's. */
  proxyURL(accountId: number, url: string): string {
    return `${IMAGE_PROXY_PATH}?u=${encodeURIComponent(url)}&s=${this.sign(accountId, url)}`;
  }
}

/** The proxy's answers to failures: refused by policy (403), too big (413), or the remote host failed (502). */
const FAILURE_CODES: Record<ImageFetchFailure, 'FORBIDDEN' | 'TOO_BIG' | 'BAD_GATEWAY'> = {
  'refused-url': 'FORBIDDEN',
  'refused-address': 'FORBIDDEN',
  'not-image': 'FORBIDDEN',
  'too-big': 'TOO_BIG',
  'too-many-redirects': 'BAD_GATEWAY',
  unreachable: 'BAD_GATEWAY',
  timeout: 'BAD_GATEWAY',
};

export function imageProxyRoutes(routes: APIRoutes, deps: { imageProxy: ImageProxyDeps }, signer: ImageProxySigner): void {
  routes.add(MAIL_API.imageProxy, {
    auth: 'session',
    // Images load by themselves while a message is open; they do not count as the user being active.
    renewsSession: false,
    // A GET with no CSRF token, so it must change nothing: it only reads, and only what this
    // account's own mail pointed at.
    handler: async ({ session, query, reply }) => {
      if (!signer.verify(session.account.id, query.u, query.s)) {
        throw new MailwardError('FORBIDDEN', { message: 'This image link is not valid for your account' });
      }
      let image: FetchedImage;
      try {
        image = await fetchRemoteImage(query.u, deps.imageProxy.test ? { test: deps.imageProxy.test } : {});
      } catch (error) {
        if (!(error instanceof ImageFetchError)) throw error;
        const code = FAILURE_CODES[error.reason];
        // No code of ours means "the other server failed"; 502 with NOT_FOUND: the image is not to be had.
        if (code === 'BAD_GATEWAY') return reply.code(502).send({ status: 502, code: 'NOT_FOUND', message: error.message, details: { reason: error.reason } });
        throw new MailwardError(code, { message: error.message, details: { reason: error.reason } });
      }
      // The sender's bytes on our origin: only a raster type, never sniffed into something else, and
      // sandboxed with no sources should a browser open it as a page. Cached by this browser only.
      void reply
        .header('content-type', image.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'")
        .header('cache-control', 'private, max-age=86400');
      return image.body;
    },
  });
}
