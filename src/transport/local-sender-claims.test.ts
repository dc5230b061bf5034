// The local-domain sender check on its own: which claims it sees (envelope, every From), what vouches for them, and the trusted-relay matcher.
import { describe, expect, it } from 'vitest';
import type { LocalSenderPolicy } from './local-sender-claims.js';
import { checkLocalSenderClaims, trustedRelayMatcher } from './local-sender-claims.js';

const policy = (options: { allowed?: string[]; relays?: string[] } = {}): LocalSenderPolicy => ({
  isLocalDomain: async (domain) => ['example.test', 'open.test'].includes(domain),
  allowsUnauthenticated: async (domain) => (options.allowed ?? []).includes(domain),
  isTrustedRelay: trustedRelayMatcher(options.relays ?? []),
});

const raw = (headers: string): Buffer => Buffer.from(`${headers}\r\nSubject: hi\r\n\r\nbody\r\n`);

async function verdict(claim: { headers: string; mailFrom: string; dkimPassed?: string[]; ip?: string }, options?: Parameters<typeof policy>[0]): Promise<string> {
  return checkLocalSenderClaims(policy(options), { raw: raw(claim.headers), mailFrom: claim.mailFrom, remoteIp: claim.ip ?? '203.0.113.5', dkimPassed: claim.dkimPassed ?? [] }).then(
    () => 'accepted',
    (error: { code?: string; details?: { smtp?: { code: number; enhanced: string } } }) => `${error.code} ${error.details?.smtp?.code} ${error.details?.smtp?.enhanced}`,
  );
}

describe('checkLocalSenderClaims', () => {
  it('refuses a local domain in MAIL FROM or in any From field (any case), not a remote one or the null sender', async () => {
    expect(await verdict({ headers: 'From: a@remote.example', mailFrom: 'Bob@Example.TEST' })).toBe('FORBIDDEN 550 5.7.1');
    expect(await verdict({ headers: 'From: a@remote.example\r\nFrom: "Bob" <bob@EXAMPLE.test>', mailFrom: 'a@remote.example' })).toBe('FORBIDDEN 550 5.7.1');
    expect(await verdict({ headers: 'From: a@remote.example', mailFrom: 'a@remote.example' })).toBe('accepted');
    expect(await verdict({ headers: 'From: postmaster@remote.example', mailFrom: '' })).toBe('accepted');
  });

  it('accepts a claim vouched for by a DKIM pass of that very domain, a trusted relay, or the domain\'s policy', async () => {
    const claim = { headers: 'From: bob@example.test', mailFrom: 'bob@example.test' };
    expect(await verdict({ ...claim, dkimPassed: ['Example.test'] })).toBe('accepted');
    expect(await verdict({ ...claim, dkimPassed: ['open.test'] })).toBe('FORBIDDEN 550 5.7.1');
    expect(await verdict({ ...claim, ip: '198.51.100.9' }, { relays: ['198.51.100.0/24'] })).toBe('accepted');
    expect(await verdict(claim, { allowed: ['open.test'] })).toBe('FORBIDDEN 550 5.7.1');
    expect(await verdict(claim, { allowed: ['example.test'] })).toBe('accepted');
  });
});

describe('trustedRelayMatcher', () => {
  it('matches single addresses and networks of both families, IPv4-mapped IPv6 too; nothing when empty', () => {
    const trusted = trustedRelayMatcher(['192.0.2.7', '198.51.100.0/24', '2001:db8::/32']);
    expect(['192.0.2.7', '198.51.100.200', '::ffff:198.51.100.1', '2001:db8:1::1'].map(trusted)).toEqual([true, true, true, true]);
    expect(['192.0.2.8', '198.51.101.1', '2001:db9::1', 'not an ip'].map(trusted)).toEqual([false, false, false, false]);
    expect(trustedRelayMatcher([])('192.0.2.7')).toBe(false);
  });
});
