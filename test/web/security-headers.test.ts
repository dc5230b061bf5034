// The headers every HTTP answer carries, over HTTPS (with HSTS) and over plain HTTP (without: a browser ignores it there, and it would pin nothing).
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSelfSignedCertificate } from '../../src/server/tls/self-signed-certificate.js';
import { HSTS_MAX_AGE_SECONDS, buildHTTPApp } from '../../src/web/api/http-app.js';

const deps = { logger: pino({ level: 'silent' }), checkStorage: async (): Promise<void> => {} };

function get(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    // The test trusts its own self-signed certificate; what is under test is the answer's headers.
    https.get(url, { rejectUnauthorized: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    }).on('error', reject);
  });
}

describe('security headers', () => {
  let dir: string;
  let secure: FastifyInstance;
  let plain: FastifyInstance;
  let secureBase: string;
  let plainBase: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-headers-'));
    const material = await loadOrCreateSelfSignedCertificate({ dataDir: dir, hostname: 'localhost', logger: pino({ level: 'silent' }) });
    secure = buildHTTPApp(deps, { https: material.credentials });
    plain = buildHTTPApp(deps);
    await secure.listen({ host: '127.0.0.1', port: 0 });
    await plain.listen({ host: '127.0.0.1', port: 0 });
    secureBase = `https://127.0.0.1:${(secure.server.address() as AddressInfo).port}`;
    plainBase = `http://127.0.0.1:${(plain.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await secure?.close();
    await plain?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('over HTTPS: HSTS for a year, nosniff, no framing, no referrer, own opener, on answers and on misses', async () => {
    for (const url of [`${secureBase}/healthz`, `${secureBase}/api/v1/nothing-here`]) {
      const answer = await get(url);
      expect(answer.headers['strict-transport-security']).toBe(`max-age=${HSTS_MAX_AGE_SECONDS}`);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cross-origin-opener-policy']).toBe('same-origin');
    }
    expect(HSTS_MAX_AGE_SECONDS).toBeGreaterThanOrEqual(31_536_000);
  });

  it('over plain HTTP: the same headers but no HSTS', async () => {
    const answer = await fetch(`${plainBase}/healthz`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('strict-transport-security')).toBeNull();
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
