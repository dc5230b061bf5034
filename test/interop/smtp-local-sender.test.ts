// swaks against the MX with DNS down: mail that claims one of our own domains is refused (550 5.7.1) unless DKIM-signed by that domain, handed in by a trusted relay, or allowed by the domain's policy.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import type { App } from '../../src/app/open-app.js';
import { openApp } from '../../src/app/open-app.js';
import type { RunningServer } from '../../src/app/start-server.js';
import { startServer } from '../../src/app/start-server.js';
import { loadConfig } from '../../src/config/index.js';
import { embeddedPaths } from '../../src/store/index.js';
import type { DNSResolver } from '../../src/transport/index.js';
import { DKIMKeys, createDKIMSigner, dkimDNSRecord } from '../../src/transport/index.js';
import { ephemeralPortsEnv, removeTempDataDirs, tempDataDir } from '../support/cli.js';
import { passwordOf } from '../support/mail-server.js';
import { SKIP_WITHOUT_SWAKS, swaks } from '../support/swaks.js';

const SKIP = SKIP_WITHOUT_SWAKS;

const ALICE = 'alice@example.test';
/** The one address of smtp.trusted_relays; swaks binds to it with --local-interface. */
const RELAY_IP = '127.0.0.2';

/** DNS that cannot be reached, but for the DKIM key records it is given. */
function unreachableDNSExcept(records: Array<{ name: string; strings: string[] }>): DNSResolver {
  const down = (name: string): Promise<never> => Promise.reject(Object.assign(new Error(`ETIMEOUT ${name}`), { code: 'ETIMEOUT', hostname: name }));
  return {
    resolveMx: down,
    resolveTxt: (name) => {
      const record = records.find((r) => r.name === name.toLowerCase().replace(/\.$/, ''));
      return record ? Promise.resolve([record.strings]) : down(name);
    },
    resolve4: down,
    resolve6: down,
    reverse: down,
  };
}

let app: App;
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  if (SKIP) return;
  const data = tempDataDir('mailward-local-sender-');
  dir = tempDataDir('mailward-local-sender-files-');
  const env = {
    ...ephemeralPortsEnv(),
    ...Object.fromEntries(['submission', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s', 'http', 'https'].map((name) => [`MAILWARD_LISTENERS_${name.toUpperCase()}_ENABLED`, 'false'])),
    MAILWARD_HOSTNAME: 'mx.example.test',
    MAILWARD_SMTP_VERIFY_SENDERS: 'true',
    MAILWARD_SMTP_TRUSTED_RELAYS: RELAY_IP,
  };
  app = await openApp({ dataDir: data, config: loadConfig({ env }), logger: createLogger({ level: 'silent' }), env: {} });
  for (const domain of ['example.test', 'forwarded.test']) await app.accounts.addDomain(domain);
  for (const address of [ALICE, 'bob@example.test', 'carol@forwarded.test']) await app.accounts.addUser({ address, password: passwordOf(address) });
  await app.policies.set('smtp.allow_unauthenticated_local_senders', true, { domain: 'forwarded.test' });
  const keys = new DKIMKeys({ store: app.store, key: app.key, now: app.now });
  const records = [dkimDNSRecord((await keys.ensure('example.test')).key), dkimDNSRecord((await keys.ensure('forwarded.test')).key)];
  server = await startServer(app, { resolver: unreachableDNSExcept(records), periodicJobs: false });
});

afterAll(async () => {
  try {
    await server?.close();
    await app?.close();
  } finally {
    removeTempDataDirs();
  }
});

/** A message file for `swaks --data` with a unique token in its subject (no final line break: swaks adds CRLF "."). */
function messageFile(t: string, from: string, options: { sign?: Buffer } = {}): string {
  const file = path.join(dir, `${t}.eml`);
  fs.writeFileSync(file, options.sign ?? `From: ${from}\r\nTo: ${ALICE}\r\nSubject: local ${t}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${t}@client.example>\r\n\r\nbody ${t}`);
  return file;
}

function send(options: { mailFrom: string; file: string; relay?: boolean }): Promise<{ code: number | null; transcript: string }> {
  return swaks([
    '--server', '127.0.0.1', '--port', String(server.listeners.smtp!.port), '--helo', 'mx.remote.example',
    ...(options.relay ? ['--local-interface', RELAY_IP] : []),
    '--from', options.mailFrom, '--to', ALICE, '--data', options.file, '--timeout', '20',
  ]);
}

/** The stored copies of the messages with the token in their subject (small bodies are rows of `blobs`). */
function stored(t: string): string[] {
  const db = new Database(embeddedPaths(app.dataDir).database, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('select b.data from messages m join blobs b on b.id = m.blob_id where m.subject = ?').all(`local ${t}`) as Array<{ data: Buffer }>;
    return rows.map((row) => row.data.toString('latin1'));
  } finally {
    db.close();
  }
}

const delivered = (t: string): number => stored(t).length;

const token = (): string => randomBytes(6).toString('hex');

describe.skipIf(SKIP)('MX mail that claims a local domain, DNS unreachable', () => {
  it('unauthenticated, in MAIL FROM and From: → 550 5.7.1 at the end of DATA, nothing stored', async () => {
    const t = token();
    const { code, transcript } = await send({ mailFrom: 'bob@example.test', file: messageFile(t, 'Bob <bob@example.test>') });
    expect(code, transcript).not.toBe(0);
    expect(transcript).toMatch(/^<-  250 2\.1\.0 /m);
    expect(transcript).toMatch(/^<\*\* 550 5\.7\.1 .*example\.test/m);
    expect(delivered(t)).toBe(0);
  });

  it('a remote envelope sender with a local From: is refused too; a remote one with a remote From: is delivered', async () => {
    const forged = token();
    const refused = await send({ mailFrom: 'someone@remote.example', file: messageFile(forged, 'bob@EXAMPLE.test') });
    expect(refused.transcript).toMatch(/^<\*\* 550 5\.7\.1 /m);
    const honest = token();
    const accepted = await send({ mailFrom: 'someone@remote.example', file: messageFile(honest, 'someone@remote.example') });
    expect(accepted.code, accepted.transcript).toBe(0);
    expect([delivered(forged), delivered(honest)]).toEqual([0, 1]);
  });

  it('a local From: with the null sender of a bounce is still a claim; the null sender alone is not', async () => {
    const [claim, bounce] = [token(), token()];
    const refused = await send({ mailFrom: '<>', file: messageFile(claim, 'bob@example.test') });
    expect(refused.transcript).toMatch(/^<\*\* 550 5\.7\.1 /m);
    const accepted = await send({ mailFrom: '<>', file: messageFile(bounce, 'MAILER-DAEMON@mx.remote.example') });
    expect(accepted.code, accepted.transcript).toBe(0);
    expect([delivered(claim), delivered(bounce)]).toEqual([0, 1]);
  });

  it('signed with the domain\'s own DKIM key (the key record the only DNS answer) → delivered, dkim=pass recorded', async () => {
    const t = token();
    const raw = Buffer.from(`From: Bob <bob@example.test>\r\nTo: ${ALICE}\r\nSubject: local ${t}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <${t}@example.test>\r\n\r\nbody ${t}`);
    const signed = await createDKIMSigner({ store: app.store, key: app.key, now: app.now }).sign(raw, { domain: 'example.test' });
    const { code, transcript } = await send({ mailFrom: 'bob@example.test', file: messageFile(t, '', { sign: signed }) });
    expect(code, transcript).toBe(0);
    expect(transcript).toMatch(/^<-  250 2\.\d\.\d Message accepted for delivery$/m);
    const [copy] = stored(t);
    expect(copy).toMatch(/^Authentication-Results: mx\.example\.test;[^]*dkim=pass header\.i=@example\.test /m);
    expect(copy).toMatch(/spf=temperror/);
  });

  it('a valid signature of another of our domains does not vouch for example.test', async () => {
    const t = token();
    const forged = Buffer.from(`From: bob@example.test\r\nTo: ${ALICE}\r\nSubject: local ${t}\r\n\r\nbody ${t}`);
    const signed = await createDKIMSigner({ store: app.store, key: app.key, now: app.now }).sign(forged, { domain: 'forwarded.test' });
    expect(signed.toString('latin1')).toMatch(/^DKIM-Signature: .*d=forwarded\.test/s);
    const { transcript } = await send({ mailFrom: 'someone@remote.example', file: messageFile(t, '', { sign: signed }) });
    expect(transcript).toMatch(/^<\*\* 550 5\.7\.1 /m);
    expect(delivered(t)).toBe(0);
  });

  it('from the trusted relay (smtp.trusted_relays) unsigned → delivered', async () => {
    const t = token();
    const { code, transcript } = await send({ mailFrom: 'bob@example.test', file: messageFile(t, 'bob@example.test'), relay: true });
    expect(code, transcript).toBe(0);
    expect(stored(t)).toEqual([expect.stringContaining('([127.0.0.2])')]);
  });

  it('a domain whose policy smtp.allow_unauthenticated_local_senders is on → delivered', async () => {
    const t = token();
    const { code, transcript } = await send({ mailFrom: 'carol@forwarded.test', file: messageFile(t, 'carol@forwarded.test') });
    expect(code, transcript).toBe(0);
    expect(delivered(t)).toBe(1);
  });
});
