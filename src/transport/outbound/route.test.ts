// Routing with a stub resolver: MX order, implicit MX, null MX, DNS failures, and the smarthost.
import { describe, expect, it } from 'vitest';
import { createStubResolver } from '../dns/dns-resolver.js';
import type { DNSResolver } from '../dns/dns-resolver.js';
import type { OutboundSettings } from './outbound-settings.js';
import { resolveRoute } from './route.js';

const SETTINGS: OutboundSettings = {
  hostname: 'mail.example.test',
  heloName: 'mail.example.test',
  port: 25,
  requireTLS: false,
  concurrency: 1,
  connectTimeoutMs: 1000,
  smarthost: null,
};

function failing(code: string): DNSResolver {
  const fail = (): Promise<never> => Promise.reject(Object.assign(new Error(code), { code }));
  return { resolveMx: fail, resolveTxt: fail, resolve4: fail, resolve6: fail, reverse: fail };
}

describe('resolveRoute', () => {
  it('tries MX hosts by preference, every address of each, with opportunistic TLS on the MX port', async () => {
    const resolver = createStubResolver({
      mx: { 'example.org': [{ exchange: 'backup.example.org', priority: 20 }, { exchange: 'MX1.example.org.', priority: 10 }] },
      a: { 'mx1.example.org': ['192.0.2.1'], 'backup.example.org': ['192.0.2.2'] },
      aaaa: { 'mx1.example.org': ['2001:db8::1'] },
    });
    const route = await resolveRoute('example.org', { resolver, settings: SETTINGS });
    expect(route).toEqual({
      kind: 'hops',
      hops: [
        { host: '192.0.2.1', port: 25, name: 'mx1.example.org', tls: 'opportunistic', verifyCertificate: false },
        { host: '2001:db8::1', port: 25, name: 'mx1.example.org', tls: 'opportunistic', verifyCertificate: false },
        { host: '192.0.2.2', port: 25, name: 'backup.example.org', tls: 'opportunistic', verifyCertificate: false },
      ],
    });
  });

  it('skips MX hosts without addresses, and requires TLS when configured', async () => {
    const resolver = createStubResolver({
      mx: { 'example.org': [{ exchange: 'gone.example.org', priority: 5 }, { exchange: 'mx.example.org', priority: 10 }] },
      a: { 'mx.example.org': ['192.0.2.3'] },
    });
    const route = await resolveRoute('example.org', { resolver, settings: { ...SETTINGS, requireTLS: true } });
    expect(route).toMatchObject({ kind: 'hops', hops: [{ host: '192.0.2.3', tls: 'required' }] });
  });

  it('falls back to the domain address when there is no MX (RFC 5321 §5.1)', async () => {
    const resolver = createStubResolver({ a: { 'example.net': ['192.0.2.9'] } });
    expect(await resolveRoute('example.net', { resolver, settings: SETTINGS })).toMatchObject({
      kind: 'hops',
      hops: [{ host: '192.0.2.9', name: 'example.net' }],
    });
  });

  it('fails permanently for a null MX (RFC 7505) and a domain that does not exist', async () => {
    const resolver = createStubResolver({ mx: { 'nomail.example': [{ exchange: '.', priority: 0 }] } });
    expect(await resolveRoute('nomail.example', { resolver, settings: SETTINGS })).toEqual({
      kind: 'fail',
      failure: { permanent: true, status: '5.1.10', diagnostic: 'nomail.example does not accept mail (null MX, RFC 7505)' },
    });
    expect(await resolveRoute('nowhere.example', { resolver, settings: SETTINGS })).toMatchObject({ kind: 'fail', failure: { permanent: true, status: '5.1.2' } });
  });

  it('fails temporarily when DNS does not answer, or no MX host resolves', async () => {
    expect(await resolveRoute('example.org', { resolver: failing('ETIMEOUT'), settings: SETTINGS })).toMatchObject({
      kind: 'fail',
      failure: { permanent: false, status: '4.4.3' },
    });
    const resolver = createStubResolver({ mx: { 'example.org': [{ exchange: 'gone.example.org', priority: 10 }] } });
    expect(await resolveRoute('example.org', { resolver, settings: SETTINGS })).toMatchObject({ kind: 'fail', failure: { permanent: false, status: '4.4.4' } });
  });

  it('sends everything to the smarthost with a verified certificate and no DNS lookup', async () => {
    const settings: OutboundSettings = {
      ...SETTINGS,
      smarthost: { host: 'relay.example.net', port: 0, tls: 'implicit', username: 'u', password: 'p', ca: 'PEM' },
    };
    expect(await resolveRoute('example.org', { resolver: failing('ESERVFAIL'), settings })).toEqual({
      kind: 'hops',
      hops: [{ host: 'relay.example.net', port: 465, name: 'relay.example.net', tls: 'implicit', verifyCertificate: true, ca: 'PEM', auth: { user: 'u', pass: 'p' } }],
    });
    const starttls = await resolveRoute('example.org', { resolver: failing('ESERVFAIL'), settings: { ...settings, smarthost: { ...settings.smarthost!, tls: 'starttls', username: '', password: '' } } });
    expect(starttls).toMatchObject({ kind: 'hops', hops: [{ port: 587, tls: 'required', verifyCertificate: true }] });
    expect(starttls.kind === 'hops' && starttls.hops[0]!.auth).toBeUndefined();
  });
});
