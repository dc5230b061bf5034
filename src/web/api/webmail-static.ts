// Serves the built webmail from dist/web: its hashed assets, index.html for every page the app routes itself, under a strict Content-Security-Policy.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Only files of this origin run or style the page: no inline script (an injected `<script>` or
 * `onerror=` does nothing), no framing (clickjacking of the security pages), no `<base>` to
 * redirect relative URLs, forms post only here. `data:` images carry the two-factor QR code.
 */
export const WEBMAIL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * src/web/api (run from source) and dist/web/api (compiled) are both three levels under the
 * package, so this is <package>/dist/web either way.
 */
export const WEBMAIL_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** The page for `/` when the webmail was not built (a server compiled with tsc alone). */
const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mailward</title></head>
<body><h1>The webmail is not built</h1>
<p>This server has no built webmail (dist/web/index.html is missing). Run <code>npm run build</code> and restart the server.</p>
<p>The JSON API under /api/v1 works without it.</p></body></html>
`;

export interface WebmailOptions {
  /** Where the Vite build is (index.html and assets/); default WEBMAIL_ROOT. */
  root?: string;
}

function sendHTML(reply: FastifyReply, status: number, html: string | Buffer): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', WEBMAIL_CSP)
    // index.html names the current bundles: it is asked for again each time, the bundles are not.
    .header('cache-control', 'no-cache')
    .send(html);
}

/**
 * Registers GET /assets/* (the bundles) and GET /* (index.html, or a 503 page when not built).
 * Only index.html and assets/ are served: dist/web also holds the compiled server (dist/web/api),
 * which is no business of a browser's.
 */
export function registerWebmail(app: FastifyInstance, options: WebmailOptions = {}): void {
  const root = options.root ?? WEBMAIL_ROOT;
  const index = path.join(root, 'index.html');
  const assets = path.join(root, 'assets');
  // Decided at startup, as @fastify/static needs an existing root: a webmail built later is
  // served after a restart, and meanwhile `/` says so rather than load a page without its bundles.
  const built = fs.existsSync(assets);
  if (built) {
    void app.register(fastifyStatic, {
      root: assets,
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      dotfiles: 'deny',
      // File names carry a hash of their content: a new build has new names.
      immutable: true,
      maxAge: '365d',
    });
  }

  app.get('/*', async (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    // The API's unknown paths, and files that are not there (a name with an extension), get the
    // app's JSON 404, not a page: a missing script must fail, not load HTML.
    if (pathname === '/api' || pathname.startsWith('/api/') || pathname.startsWith('/assets/') || /\.[A-Za-z0-9]+$/.test(pathname)) {
      return reply.callNotFound();
    }
    if (!built) return sendHTML(reply, 503, NOT_BUILT);
    let html: Buffer;
    try {
      // Read per request (a few hundred bytes): a rebuild names new bundles without a restart.
      html = await fs.promises.readFile(index);
    } catch {
      return sendHTML(reply, 503, NOT_BUILT);
    }
    return sendHTML(reply, 200, html);
  });
}
