// VolumeLimits over SQLite and PostgreSQL: crossing a sending or download limit refuses and disables; the windows slide.
import { beforeEach, expect, it } from 'vitest';
import type { Account } from '../../accounts/index.js';
import type { VolumeKind } from './volume-limits.js';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { accountSecurityFixture } from '../../../test/support/account-security-fixture.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

describeOnEveryDialect('VolumeLimits', accountSecurityFixture(), (f) => {
  let alice: Account;
  let bob: Account;

  beforeEach(async () => {
    alice = await f.addAccount(`alice@${f.domain}`, 'Initial-Passw0rd-9');
    bob = await f.addAccount(`bob@${f.domain}`, 'Initial-Passw0rd-9');
  });

  const count = (kind: VolumeKind, account: Account = alice, messages?: number) =>
    f.security.volume.count({ account, kind, ...(messages !== undefined ? { messages } : {}) });

  const enable = async (): Promise<void> => {
    await f.security.accountSecurity.enable({ address: alice.address, by: { actor: 'admin:cli' } });
  };

  it('limits.smtp.messages_per_hour: the message after the limit is refused and disables the account (volume_exceeded, by system)', async () => {
    await f.setPolicy('limits.smtp.messages_per_hour', 3);
    for (let i = 1; i <= 3; i++) {
      expect(await count('smtp')).toEqual({ ok: true });
      f.clock.advance(60_000);
    }
    expect((await f.reload(alice)).status).toBe('active');
    expect(await count('smtp')).toEqual({ ok: false, limit: 'limits.smtp.messages_per_hour', max: 3 });

    const row = await f.reload(alice);
    expect(row.status).toBe('disabled');
    expect(row.disabledReason?.startsWith('volume_exceeded')).toBe(true);
    expect(row.sessionsValidAfter).toBe(f.clock.t);
    const [entry] = await f.security.audit.list({ accountId: alice.id });
    expect(entry).toMatchObject({ action: 'account.disabled', actor: 'system', details: { before: 'active', after: 'disabled' } });
    await f.settle();
    expect(f.eventsOf('AccountDisabled').map((e) => e.accountId)).toEqual([alice.id]);
    // The account is disabled: sign-in says so after a correct password.
    const login = await f.security.authenticate({ protocol: 'smtp', username: alice.address, secret: 'Initial-Passw0rd-9', remoteIp: '198.51.100.7', tls: true });
    expect(login).toMatchObject({ ok: false, code: 'ACCOUNT_DISABLED', reason: 'account_disabled' });
    // Counting is per account: bob is not touched.
    expect(await count('smtp', bob)).toEqual({ ok: true });
    expect((await f.reload(bob)).status).toBe('active');
  });

  it('counts batches: one call with several messages can cross the limit', async () => {
    await f.setPolicy('limits.smtp.messages_per_hour', 3);
    expect(await count('smtp', alice, 3)).toEqual({ ok: true });
    expect(await count('smtp', alice, 1)).toMatchObject({ ok: false });
    await enable();
    await f.setPolicy('limits.smtp.messages_per_hour', 10);
    f.clock.advance(HOUR_MS);
    expect(await count('smtp', alice, 11)).toMatchObject({ ok: false, max: 10 });
  });

  it('the hour window rolls over for a re-enabled account', async () => {
    await f.setPolicy('limits.smtp.messages_per_hour', 3);
    for (let i = 0; i < 3; i++) expect(await count('smtp')).toEqual({ ok: true });
    expect(await count('smtp')).toMatchObject({ ok: false });
    await enable();
    // Still the same hour: the count stays over the limit.
    f.clock.advance(10 * 60_000);
    expect(await count('smtp')).toMatchObject({ ok: false, limit: 'limits.smtp.messages_per_hour' });
    await enable();
    f.clock.advance(HOUR_MS);
    for (let i = 0; i < 3; i++) expect(await count('smtp')).toEqual({ ok: true });
    expect((await f.reload(alice)).status).toBe('active');
    expect(await count('smtp')).toMatchObject({ ok: false });
  });

  it('limits.smtp.messages_per_day counts across hours and rolls over with the day', async () => {
    await f.setPolicy('limits.smtp.messages_per_day', 4);
    for (let i = 0; i < 4; i++) {
      expect(await count('smtp')).toEqual({ ok: true });
      f.clock.advance(2 * HOUR_MS);
    }
    expect(await count('smtp')).toEqual({ ok: false, limit: 'limits.smtp.messages_per_day', max: 4 });
    expect((await f.reload(alice)).disabledReason).toMatch(/^volume_exceeded/);
    await enable();
    f.clock.advance(DAY_MS);
    expect(await count('smtp')).toEqual({ ok: true });
  });

  it('a burst across the turn of an hour is counted in one hour: the window slides, it does not start afresh', async () => {
    await f.setPolicy('limits.smtp.messages_per_hour', 3);
    // T0 is a full hour (UTC): two minutes before the next one, three messages, then one after it.
    f.clock.advance(HOUR_MS - 2 * 60_000);
    for (let i = 0; i < 3; i++) {
      expect(await count('smtp')).toEqual({ ok: true });
      f.clock.advance(30_000);
    }
    f.clock.advance(60_000);
    expect(await count('smtp')).toEqual({ ok: false, limit: 'limits.smtp.messages_per_hour', max: 3 });
    expect((await f.reload(alice)).status).toBe('disabled');
  });

  it('each message leaves the hour an hour after it was sent', async () => {
    await f.setPolicy('limits.smtp.messages_per_hour', 3);
    for (let i = 0; i < 3; i++) {
      expect(await count('smtp')).toEqual({ ok: true });
      f.clock.advance(20 * 60_000);
    }
    // 60 minutes after the first: it has left, the two others still count.
    f.clock.advance(60_000);
    expect(await count('smtp')).toEqual({ ok: true });
    f.clock.advance(5 * 60_000);
    expect(await count('smtp')).toMatchObject({ ok: false, limit: 'limits.smtp.messages_per_hour' });
  });

  it('a burst across midnight (UTC) is counted in one day', async () => {
    await f.setPolicy('limits.smtp.messages_per_day', 4);
    const toMidnight = DAY_MS - (f.clock.t % DAY_MS);
    f.clock.advance(toMidnight - 10 * 60_000);
    for (let i = 0; i < 4; i++) expect(await count('smtp')).toEqual({ ok: true });
    f.clock.advance(20 * 60_000);
    expect(await count('smtp')).toEqual({ ok: false, limit: 'limits.smtp.messages_per_day', max: 4 });
  });

  it('limits.pop3.messages_per_day counts downloads, separately from sending', async () => {
    await f.setPolicy('limits.pop3.messages_per_day', 2);
    await f.setPolicy('limits.smtp.messages_per_day', 2);
    expect(await count('pop3')).toEqual({ ok: true });
    expect(await count('smtp')).toEqual({ ok: true });
    expect(await count('pop3')).toEqual({ ok: true });
    expect(await count('smtp')).toEqual({ ok: true });
    expect(await count('pop3')).toEqual({ ok: false, limit: 'limits.pop3.messages_per_day', max: 2 });
    const row = await f.reload(alice);
    expect(row.status).toBe('disabled');
    expect(row.disabledReason).toMatch(/^volume_exceeded/);
    expect(row.disabledReason).toContain('limits.pop3.messages_per_day');
    await enable();
    f.clock.advance(DAY_MS);
    expect(await count('pop3')).toEqual({ ok: true });
    expect(await count('pop3')).toEqual({ ok: true });
  });

  it('0 means no limit (the default)', async () => {
    for (let i = 0; i < 30; i++) {
      expect(await count('smtp')).toEqual({ ok: true });
      expect(await count('pop3')).toEqual({ ok: true });
    }
    await f.setPolicy('limits.smtp.messages_per_hour', 0);
    expect(await count('smtp', alice, 1_000_000)).toEqual({ ok: true });
    expect((await f.reload(alice)).status).toBe('active');
    expect(await f.security.audit.list({ accountId: alice.id })).toEqual([]);
  });
});
