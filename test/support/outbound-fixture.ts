// A store with one local account (alice@example.test), helpers to queue messages, and workers pointed at a loopback remote SMTP server.
import { AccountService, PolicyService } from '../../src/accounts/index.js';
import type { PasswordHasher } from '../../src/accounts/index.js';
import type { StubZone } from '../../src/transport/dns/dns-resolver.js';
import { createStubResolver } from '../../src/transport/dns/dns-resolver.js';
import { MailStore } from '../../src/mailbox/mail-store.js';
import type { DSNRequest } from '../../src/transport/outbound.js';
import { enqueueRemote } from '../../src/transport/outbound.js';
import type { OutboundLogger, OutboundSettings, OutboundWorkerOptions } from '../../src/transport/index.js';
import { OutboundWorker } from '../../src/transport/index.js';
import { MemoryEventBus } from '../../src/shared-state/index.js';
import type { OutboundRow, Store } from '../../src/store/index.js';
import type { TestDialect, TestStore } from './dialects.js';
import { openTestStore } from './dialects.js';
import { insertAccount } from './account-rows.js';
import type { RemoteSMTP, RemoteSMTPOptions } from './remote-smtp.js';
import { startRemoteSMTP } from './remote-smtp.js';
import type { DialectFixture } from './every-dialect.js';

export const HOSTNAME = 'mail.example.test';
export const ALICE = 'alice@example.test';

/** The zone of the tests: remote.test and other.test have their MX on loopback. */
export const ZONE: StubZone = {
  mx: {
    'remote.test': [{ exchange: 'mx.remote.test', priority: 10 }],
    'other.test': [{ exchange: 'mx.other.test', priority: 10 }],
    'far.test': [{ exchange: 'mx.remote.test', priority: 10 }],
    'nullmx.test': [{ exchange: '.', priority: 0 }],
  },
  a: { 'mx.remote.test': ['127.0.0.1'], 'mx.other.test': ['127.0.0.1'] },
};

/** Hashing is never needed here: resolve() is all the worker asks of accounts. */
const NO_HASHER: PasswordHasher = {
  hash: () => Promise.reject(new Error('not used')),
  verify: () => Promise.resolve(false),
  needsRehash: () => false,
  verifyDummy: () => Promise.resolve(false),
};

/** Log lines kept in memory, so tests can check that no password ever reached them. */
export class MemoryLogger implements OutboundLogger {
  readonly lines: Array<{ level: string; obj: object; msg?: string }> = [];
  info(obj: object, msg?: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
  text(): string {
    return this.lines.map((l) => JSON.stringify({ ...l, obj: { ...l.obj, err: String((l.obj as { err?: unknown }).err ?? '') } })).join('\n');
  }
}

export function message(subject: string, extra = ''): Buffer {
  return Buffer.from(
    `From: Alice <${ALICE}>\r\nTo: someone@remote.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}.${Math.random().toString(36).slice(2)}@example.test>\r\n` +
      `Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\nHello from the test.\r\n.leading dot line\r\n${extra}`,
  );
}

export interface OutboundFixture {
  t: TestStore;
  store: Store;
  mail: MailStore;
  accounts: AccountService;
  aliceId: number;
  logger: MemoryLogger;
  /** Queues `raw` for the recipients in one transaction; returns the row ids. */
  enqueue(raw: Buffer, options: { mailFrom?: string; to: string[]; dsn?: DSNRequest; now?: number }): Promise<number[]>;
  worker(options: { port: number; now?: () => number; settings?: Partial<OutboundSettings>; zone?: StubZone } & OutboundWorkerOptions): OutboundWorker;
  rows(): Promise<OutboundRow[]>;
  /** The raw messages in alice's INBOX, oldest first. */
  inbox(): Promise<Buffer[]>;
  /** A loopback remote SMTP server, closed by cleanup() once the workers have stopped. */
  remote(options?: RemoteSMTPOptions): Promise<RemoteSMTP>;
  cleanup(): Promise<void>;
}

/** For describeOnEveryDialect: a fresh store with alice for each test; its workers stop with it. */
export const outboundFixture: DialectFixture<OutboundFixture> = {
  open: (dialect) => openOutboundFixture(dialect),
  close: (f) => f.cleanup(),
};

export async function openOutboundFixture(dialect: TestDialect): Promise<OutboundFixture> {
  const t = await openTestStore(dialect);
  const store = t.store;
  const now = Date.now();
  const events = new MemoryEventBus();
  const mail = new MailStore({ store, events, now: Date.now });
  const accounts = new AccountService({ store, hasher: NO_HASHER, policies: new PolicyService(store, Date.now), now: Date.now });
  const domain = await store.domains.create({ name: 'example.test', now });
  const alice = await insertAccount(store, ALICE, { domainId: domain.id, now, displayName: 'Alice' });
  const logger = new MemoryLogger();
  const workers: OutboundWorker[] = [];
  const relays: RemoteSMTP[] = [];
  return {
    t,
    store,
    mail,
    accounts,
    aliceId: alice.id,
    logger,
    async enqueue(raw, options) {
      const blob = await store.blobs.put(raw);
      const at = options.now ?? Date.now();
      const recipients = options.to.map((address) => ({
        address,
        domain: address.slice(address.lastIndexOf('@') + 1),
        ...(options.dsn ? { dsn: options.dsn } : {}),
      }));
      return store.transaction((tx) => enqueueRemote(tx, { accountId: null, mailFrom: options.mailFrom ?? ALICE, recipients, blob, now: at }));
    },
    worker(options) {
      const settings: OutboundSettings = {
        hostname: HOSTNAME,
        heloName: HOSTNAME,
        port: options.port,
        requireTLS: false,
        concurrency: 4,
        connectTimeoutMs: 3000,
        smarthost: null,
        ...options.settings,
      };
      const worker = new OutboundWorker(
        { store, mail, accounts, resolver: createStubResolver(options.zone ?? ZONE), settings, logger, ...(options.now ? { now: options.now } : {}) },
        { pollMs: options.pollMs ?? 200, ...(options.lockMs ? { lockMs: options.lockMs } : {}) },
      );
      workers.push(worker);
      return worker;
    },
    rows: () => store.outbound.list(),
    async inbox() {
      const box = await store.mail.findMailbox(alice.id, 'INBOX');
      if (!box) return [];
      const messages = await store.mail.listMessages(box.id);
      return Promise.all(messages.map((m) => store.blobs.get(m.blob_id)));
    },
    async remote(options = {}) {
      const remote = await startRemoteSMTP(options);
      relays.push(remote);
      return remote;
    },
    async cleanup() {
      await Promise.all(workers.map((w) => w.stop({ graceMs: 0 })));
      await t.cleanup();
      for (const remote of relays) await remote.close();
    },
  };
}
