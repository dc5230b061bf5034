// The webmail's files: index.html for the app's pages under the CSP, hashed assets, nothing else of dist/web, and a 503 page when the webmail was not built.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBMAIL_CSP, registerWebmail } from './webmail-static.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1234.js"></script></head><body><div id="root"></div></body></html>';

describe('registerWebmail', () => {
  const dirs: string[] = [];
  let app: FastifyInstance | undefined;

  function tempRoot(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-webmail-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    return dir;
  }

  async function appOn(root: string): Promise<FastifyInstance> {
    app = Fastify();
    registerWebmail(app, { root });
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ code: 'NOT_FOUND' }));
    await app.ready();
    return app;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every page with index.html under the CSP, and serves only the assets beside it', async () => {
    const root = tempRoot({ 'index.html': INDEX, 'assets/app-1234.js': 'console.log(1)', 'api/http-app.js': 'server code', 'api/http-app.js.map': '{}' });
    const web = await appOn(root);
    for (const url of ['/', '/sign-in', '/settings/security/devices', '/mail?folder=INBOX']) {
      const page = await web.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toBe(WEBMAIL_CSP);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.body).toBe(INDEX);
    }
    const head = await web.inject({ method: 'HEAD', url: '/mail' });
    expect(head.statusCode).toBe(200);

    const script = await web.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toMatch(/immutable/);
    // The compiled server shares dist/web; none of it is a page or a file to hand out.
    for (const url of ['/api/http-app.js', '/api/http-app.js.map', '/assets/../api/http-app.js', '/assets/missing.js', '/api/v1/nothing', '/favicon.ico']) {
      const miss = await web.inject({ method: 'GET', url });
      expect(miss.statusCode, url).toBe(404);
      expect(miss.body, url).not.toContain('server code');
    }
  });

  it('says the webmail is not built, with a 503, when dist/web has no build', async () => {
    const web = await appOn(path.join(tempRoot({}), 'missing'));
    const page = await web.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.headers['content-security-policy']).toBe(WEBMAIL_CSP);
    expect(page.body).toContain('npm run build');
    expect((await web.inject({ method: 'GET', url: '/api/v1/session' })).statusCode).toBe(404);
  });
});
