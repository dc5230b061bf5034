// IMAP limits on a real socket: connections per account and per address, the login timeout, and the ID name in login records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IMAPTestServer } from '../support/imap-server.js';
import { IMAPWire, passwordOf, startIMAPTestServer } from '../support/imap-server.js';
import { waitFor } from '../support/wait-for.js';

const ALICE = 'alice@example.test';

describe('IMAP limits', () => {
  let t: IMAPTestServer;
  beforeAll(async () => {
    t = await startIMAPTestServer({
      env: {
        MAILWARD_IMAP_MAX_CONNECTIONS_PER_ACCOUNT: '2',
        MAILWARD_IMAP_MAX_CONNECTIONS_PER_IP: '5',
        MAILWARD_IMAP_LOGIN_TIMEOUT_SECONDS: '5',
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Whether a new connection gets the OK greeting (not BYE); it logs out at once. */
  async function greeted(): Promise<boolean> {
    const wire = await IMAPWire.connect(t.imapPort);
    try {
      if (!/^\* OK/.test(await wire.greeting())) return false;
      await wire.command('LOGOUT');
      return true;
    } finally {
      wire.close();
    }
  }

  it('refuses a third connection of one account with NO [LIMIT], and lets it in once one leaves', async () => {
    const first = await IMAPWire.connect(t.imapPort);
    const second = await IMAPWire.connect(t.imapPort);
    const third = await IMAPWire.connect(t.imapPort);
    expect(await first.login(ALICE, passwordOf(ALICE))).toMatch(/ OK /);
    expect(await second.login(ALICE, passwordOf(ALICE))).toMatch(/ OK /);
    expect(await third.login(ALICE, passwordOf(ALICE))).toMatch(/^t1 NO \[LIMIT\] Too many IMAP connections/);
    first.write('x LOGOUT\r\n');
    await first.until(/x OK/);
    // The server lets the session go when the connection closes.
    const imapSessions = (): number => t.app.security.sessions.list(t.accounts.get(ALICE)!).filter((s) => s.protocol === 'imap').length;
    await waitFor(() => imapSessions() < 2, { what: 'the first session to end' });
    expect(await third.command(`LOGIN ${ALICE} "${passwordOf(ALICE)}"`)).toMatch(/ OK /);
    second.close();
    third.close();
  });

  it('answers connections beyond the per-address limit with BYE', async () => {
    const open: IMAPWire[] = [];
    for (let i = 0; i < 5; i++) {
      const wire = await IMAPWire.connect(t.imapPort);
      await wire.greeting();
      open.push(wire);
    }
    const extra = await IMAPWire.connect(t.imapPort);
    expect(await extra.until(/\* BYE/)).toMatch(/^\* BYE \[UNAVAILABLE\] Too many connections/);
    for (const wire of open) wire.close();
    extra.close();
    // The server counts a connection as gone when it sees the close: the next tests need it greeted again.
    await waitFor(greeted, { what: 'a connection from this address greeted again' });
  });

  it('closes a connection that does not log in within the login timeout', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    expect(await wire.greeting()).toMatch(/^\* OK/);
    const bye = await wire.until(/\* BYE/, 8000);
    expect(bye).toMatch(/\* BYE Login timeout/);
  }, 10_000);

  it('records the client name given with ID in the login record', async () => {
    const wire = await IMAPWire.connect(t.imapPort);
    await wire.greeting();
    expect(await wire.command('ID ("name" "Thunderbird" "version" "128.4")')).toMatch(/^\* ID \("name" "Mailward"\)\r\n/);
    expect(await wire.command(`LOGIN ${ALICE} "${passwordOf(ALICE)}"`)).toMatch(/ OK /);
    await t.app.security.loginRecords.flush();
    const page = await t.app.security.loginRecords.page({ accountId: t.accounts.get(ALICE)!, limit: 1 });
    expect(page.records[0]).toMatchObject({ protocol: 'imap', client: 'Thunderbird 128.4', result: 'success' });
    wire.close();
  });
});
