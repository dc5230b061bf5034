// Delivery through a smarthost with AUTH over STARTTLS or implicit TLS, on a real loopback server: credentials only over verified TLS, never in a log or error.
import { expect, it } from 'vitest';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { ALICE, message, outboundFixture } from '../../../test/support/outbound-fixture.js';
import type { RemoteSMTP } from '../../../test/support/remote-smtp.js';
import type { SmarthostSettings } from './outbound-settings.js';

const PASSWORD = 'S3cret-relay-pass@word';
const AUTH = { user: 'relay-user', pass: PASSWORD };

describeOnEveryDialect('smarthost delivery', outboundFixture, (f) => {
  /** A worker whose DNS knows nothing: any delivery must have gone through the smarthost. */
  function worker(server: RemoteSMTP, smarthost: Partial<SmarthostSettings>) {
    return f.worker({
      port: 1,
      zone: {},
      settings: {
        smarthost: { host: '127.0.0.1', port: server.port, tls: 'starttls', username: AUTH.user, password: AUTH.pass, ca: server.cert, ...smarthost },
      },
    });
  }

  it('relays every domain through the smarthost with AUTH after a verified STARTTLS', async () => {
    const server = await f.remote({ auth: AUTH });
    const raw = message('Via the relay');
    await f.enqueue(raw, { to: ['bob@remote.test', 'someone@nowhere.invalid'] });
    await worker(server, {}).runOnce();
    expect(await f.rows()).toEqual([]);
    // One transaction: through a relay, recipients of different domains travel together.
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({ secure: true, user: AUTH.user, mailFrom: ALICE, rcptTo: ['bob@remote.test', 'someone@nowhere.invalid'] });
    expect(server.received[0]!.data.equals(raw)).toBe(true);
  });

  it('relays over implicit TLS', async () => {
    const server = await f.remote({ auth: AUTH, implicitTLS: true });
    await f.enqueue(message('Implicit'), { to: ['bob@remote.test'] });
    await worker(server, { tls: 'implicit' }).runOnce();
    expect(server.received.map((m) => [m.secure, m.user])).toEqual([[true, AUTH.user]]);
  });

  it('keeps the mail queued on a refused login and never shows the password', async () => {
    const server = await f.remote({ auth: { user: AUTH.user, pass: 'another-password' } });
    await f.enqueue(message('Wrong password'), { to: ['bob@remote.test'] });
    await worker(server, {}).runOnce();
    const [row] = await f.rows();
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row!.last_error).toContain('535');
    for (const text of [row!.last_error ?? '', f.logger.text()]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    }
    expect(server.received).toHaveLength(0);
  });

  it('never falls back to plain text, and refuses a certificate it cannot verify', async () => {
    const plain = await f.remote({ auth: AUTH, noStartTLS: true });
    await f.enqueue(message('No TLS there'), { to: ['bob@remote.test'] });
    await worker(plain, {}).runOnce();
    expect((await f.rows())[0]).toMatchObject({ status: 'queued', attempts: 1 });
    expect(plain.received).toHaveLength(0);
    await plain.close();

    const untrusted = await f.remote({ auth: AUTH });
    await f.store.outbound.retryNow((await f.rows())[0]!.id, Date.now());
    await worker(untrusted, { ca: undefined }).runOnce();
    const [row] = await f.rows();
    expect(row).toMatchObject({ status: 'queued', attempts: 2 });
    expect(row!.last_error).toMatch(/certificate/i);
    expect(untrusted.received).toHaveLength(0);
    expect(f.logger.text()).not.toContain(PASSWORD);
  });
});
