// The API contract binds the server: every endpoint is served, every answer is checked against its schema (one that does not match is never sent), and the OpenAPI document describes the answers.
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Security } from '../../src/security/index.js';
import type { Endpoint } from '../../src/web/contract/index.js';
import { ENDPOINTS, ERROR_CODES, SECURITY_API, SETTINGS_API } from '../../src/web/contract/index.js';
import { buildHTTPApp } from '../../src/web/api/http-app.js';
import { handleError } from '../../src/web/api/http-errors.js';
import type { MailAPIDeps } from '../../src/web/api/mail/routes.js';
import { APIRoutes } from '../../src/web/api/route.js';
import type { SettingsAPIDeps } from '../../src/web/api/settings/routes.js';

/** Routes with auth 'none' never reach the security core. */
const NO_SECURITY = {} as unknown as Security;

const PROFILE = { address: 'alice@example.test', displayName: 'Alice', language: '', hintsEnabled: false, hint: '' };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** One endpoint of the contract, served by a handler that answers `answer` whatever it is asked. */
async function answering(endpoint: Endpoint, answer: unknown): Promise<{ status: number; body: string }> {
  app = Fastify();
  app.setErrorHandler((error, request, reply) => handleError(error, request, reply));
  const routes = new APIRoutes(NO_SECURITY);
  routes.add(endpoint, { auth: 'none', handler: async () => answer as never });
  routes.mount(app);
  const response = await app.inject({ method: endpoint.method, url: endpoint.path.replace(':id', '1') });
  return { status: response.statusCode, body: response.body };
}

describe('answers checked against the contract', () => {
  it('sends an answer its schema describes, as the handler gave it', async () => {
    const { status, body } = await answering(SETTINGS_API.profile, PROFILE);
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual(PROFILE);
  });

  it('refuses an answer with a field the schema does not name: INTERNAL, and the field never leaves the server', async () => {
    const { status, body } = await answering(SETTINGS_API.profile, { ...PROFILE, password_hash: '$argon2id$secret' });
    expect(status).toBe(500);
    expect(JSON.parse(body)).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(body).not.toContain('argon2id');
  });

  it('refuses a field of the wrong type, and one missing', async () => {
    expect((await answering(SETTINGS_API.profile, { ...PROFILE, hintsEnabled: 'no' })).status).toBe(500);
    const { hint: _hint, ...withoutHint } = PROFILE;
    expect((await answering(SETTINGS_API.profile, withoutHint)).status).toBe(500);
  });

  it('refuses a body where the contract says no content, and answers 204 where there is none', async () => {
    expect((await answering(SECURITY_API.revokeAppPassword, { revoked: true })).status).toBe(500);
    expect((await answering(SECURITY_API.revokeAppPassword, undefined)).status).toBe(204);
  });
});

describe('the served API and the contract', () => {
  function wholeApp(): FastifyInstance {
    const mail = { imageProxy: { key: { key: () => Buffer.alloc(32) } }, maxMessageBytes: 1024 * 1024 } as unknown as MailAPIDeps;
    return buildHTTPApp({
      logger: pino({ level: 'silent' }),
      checkStorage: async () => undefined,
      security: NO_SECURITY,
      mail,
      settings: {} as unknown as SettingsAPIDeps,
    });
  }

  it('serves every endpoint of the contract', async () => {
    app = wholeApp();
    await app.ready();
    expect(ENDPOINTS.length).toBeGreaterThan(50);
    const missing = ENDPOINTS.filter((e) => !app!.hasRoute({ method: e.method, url: e.path })).map((e) => e.route);
    expect(missing).toEqual([]);
    expect(new Set(ENDPOINTS.map((e) => e.route)).size).toBe(ENDPOINTS.length);
  });

  it('describes each answer in the OpenAPI document, and the error body with the closed code set', async () => {
    app = wholeApp();
    const docs = (await app.inject({ method: 'GET', url: '/api/docs' })).json<{
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>>;
      components: { schemas: { Error: { properties: { code: { enum: string[] } } } } };
    }>();
    for (const endpoint of ENDPOINTS) {
      const operation = docs.paths[endpoint.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[endpoint.method.toLowerCase()];
      expect(operation, endpoint.route).toBeDefined();
      expect(Object.keys(operation!.responses), endpoint.route).toContain('default');
      if (typeof endpoint.response !== 'string') {
        expect(operation!.responses['200']?.content?.['application/json']?.schema, endpoint.route).toBeDefined();
      }
    }
    const devices = docs.paths['/api/v1/security/devices']!['get']!.responses['200']!.content!['application/json']!.schema;
    expect(devices).toMatchObject({ type: 'object', required: ['trusted', 'other'], additionalProperties: false });
    expect(docs.paths['/api/v1/security/app-passwords/{id}']!['delete']!.responses).toHaveProperty('204');
    expect(docs.components.schemas.Error.properties.code.enum.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
