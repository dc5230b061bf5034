// A real `mailward serve` child on a temp data directory with known domains, users and aliases, and read-only views of what it stored.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { PolicyKey, PolicyValue } from '../../src/accounts/index.js';
import { embeddedPaths } from '../../src/store/index.js';
import type { CLIResult, RunOptions, ServeHandle } from './cli.js';
import { killAllServes, removeTempDataDirs, runCLI, startServe, tempDataDir, withDataDir } from './cli.js';
import { waitFor } from './wait-for.js';

/** The password of a test account: strong enough for the default policy, never containing the name. */
export function passwordOf(address: string): string {
  let n = 7;
  for (const ch of address) n = (n * 31 + ch.charCodeAt(0)) % 9973;
  return `Violet-Harbor-${n}-Kettle`;
}

export interface MailServerOptions {
  /** Domains served; the domains of `users` are added anyway. */
  domains?: string[];
  /** Accounts to create, each with passwordOf(address). */
  users?: string[];
  /** [alias, account] pairs. */
  aliases?: Array<[string, string]>;
  /** Policies set before the server starts (per domain when `domain` is given). */
  policies?: Array<{ key: PolicyKey; value: PolicyValue<PolicyKey>; domain?: string }>;
  /** Added to the server's environment (MAILWARD_SMTP_* and the like). */
  env?: Record<string, string>;
}

export interface StoredMail {
  id: number;
  uid: number;
  modseq: number;
  seen: boolean;
  blobId: string;
  size: number;
  messageId: string;
  subject: string;
  /** The stored bytes, read from the blob row or file. */
  raw: Buffer;
}

export interface QueueRow {
  id: number;
  account_id: number | null;
  mail_from: string;
  recipient: string;
  domain: string;
  blob_id: string;
  status: string;
}

export interface LoginRecord {
  username: string;
  protocol: string;
  result: string;
  reason: string;
  credential: string | null;
}

export interface MailServer {
  readonly data: string;
  readonly host: string;
  /** The bound ports of the three SMTP doors (from the server's "listening" log lines). */
  readonly ports: { smtp: number; submission: number; smtps: number };
  readonly serve: ServeHandle;
  /** Messages of a mailbox by name (INBOX by default) or by special use ({ specialUse: 'Sent' }), in UID order, with their bytes. */
  messages(address: string, mailbox?: string | { specialUse: string }): StoredMail[];
  /** The mailbox's uid_next as the store has it. */
  uidNext(address: string, mailbox?: string): number;
  /** Every row of the outbound queue. */
  queue(): QueueRow[];
  loginRecords(address: string): LoginRecord[];
  /** `mailward --data DATA ARGS` beside the running server. */
  cli(args: string[], options?: Omit<RunOptions, 'data'>): Promise<CLIResult>;
  /** SIGKILLs the server (no shutdown at all). */
  kill(): Promise<void>;
  /** Starts a new `serve` on the same data (after kill or stop); ports change. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `read` on a read-only connection to the server's SQLite database (WAL lets it read beside the writer). */
function readDB<T>(data: string, read: (db: Database.Database) => T): T {
  const db = new Database(embeddedPaths(data).database, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return read(db);
  } finally {
    db.close();
  }
}

function blobPath(data: string, id: string): string {
  return path.join(embeddedPaths(data).blobs, id.slice(0, 2), id.slice(2, 4), id);
}

function portsOf(serve: ServeHandle): MailServer['ports'] {
  const port = (name: string): number => {
    const listener = serve.listeners[name];
    if (!listener) throw new Error(`serve did not log a "listening" line for ${name}`);
    return listener.port;
  };
  return { smtp: port('smtp'), submission: port('submission'), smtps: port('smtps') };
}

/**
 * Creates the data (in this process, before the child exists: never both on one directory at
 * once, see withDataDir), then starts `serve` with only the SMTP listeners and the given env.
 */
export async function startMailServer(options: MailServerOptions = {}): Promise<MailServer> {
  const data = tempDataDir('mailward-smtp-');
  const users = options.users ?? [];
  const domains = new Set([...(options.domains ?? []), ...users.map((u) => u.split('@')[1]!)]);
  await withDataDir(data, async (app) => {
    for (const domain of domains) await app.accounts.addDomain(domain);
    for (const address of users) await app.accounts.addUser({ address, password: passwordOf(address) });
    for (const [alias, target] of options.aliases ?? []) await app.accounts.addAlias(alias, target);
    for (const policy of options.policies ?? []) {
      await app.policies.set(policy.key, policy.value, policy.domain === undefined ? {} : { domain: policy.domain });
    }
  });
  // IMAP, POP3 and HTTP are not what these tests are about; closing them keeps start-up short.
  // The "listening" lines are at level info, which startServe sets: they tell the ports.
  const env: Record<string, string> = {
    MAILWARD_HOSTNAME: 'mx.example.test',
    ...Object.fromEntries(['imap', 'imaps', 'pop3', 'pop3s', 'http', 'https'].map((name) => [`MAILWARD_LISTENERS_${name.toUpperCase()}_ENABLED`, 'false'])),
    ...options.env,
  };
  const start = (): Promise<ServeHandle> => startServe({ data, env });
  let serve = await start();
  let ports = portsOf(serve);

  const mailboxId = (db: Database.Database, address: string, mailbox: string | { specialUse: string }): number | undefined => {
    const account = db.prepare('select id from accounts where address = ?').get(address) as { id: number } | undefined;
    if (!account) throw new Error(`no account ${address}`);
    const row =
      typeof mailbox === 'string'
        ? (db.prepare('select id from mailboxes where account_id = ? and name = ?').get(account.id, mailbox) as { id: number } | undefined)
        : (db.prepare('select id from mailboxes where account_id = ? and special_use = ?').get(account.id, mailbox.specialUse) as { id: number } | undefined);
    return row?.id;
  };

  return {
    data,
    host: '127.0.0.1',
    get ports() {
      return ports;
    },
    get serve() {
      return serve;
    },
    messages(address, mailbox = 'INBOX') {
      const rows = readDB(data, (db) => {
        const id = mailboxId(db, address, mailbox);
        if (id === undefined) return [];
        // A small body is a row of `blobs` (written in the message's transaction), a larger one a file.
        return db
          .prepare(
            'select m.id, uid, modseq, seen, blob_id, m.size, message_id, subject, b.data as inline from messages m left join blobs b on b.id = m.blob_id where mailbox_id = ? order by uid',
          )
          .all(id) as Array<{ id: number; uid: number; modseq: number; seen: number; blob_id: string; size: number; message_id: string; subject: string; inline: Buffer | null }>;
      });
      return rows.map((r) => ({
        id: r.id,
        uid: r.uid,
        modseq: r.modseq,
        seen: r.seen === 1,
        blobId: r.blob_id,
        size: r.size,
        messageId: r.message_id,
        subject: r.subject,
        raw: r.inline ?? fs.readFileSync(blobPath(data, r.blob_id)),
      }));
    },
    uidNext(address, mailbox = 'INBOX') {
      return readDB(data, (db) => {
        const id = mailboxId(db, address, mailbox);
        if (id === undefined) return 1;
        return (db.prepare('select uid_next from mailboxes where id = ?').get(id) as { uid_next: number }).uid_next;
      });
    },
    queue() {
      return readDB(data, (db) => db.prepare('select id, account_id, mail_from, recipient, domain, blob_id, status from outbound_queue order by id').all() as QueueRow[]);
    },
    loginRecords(address) {
      return readDB(
        data,
        (db) =>
          db.prepare('select username, protocol, result, reason, credential from login_records where username = ? order by id').all(address) as LoginRecord[],
      );
    },
    cli: (args, cliOptions = {}) => runCLI(args, { ...cliOptions, data }),
    async kill() {
      await serve.stop('SIGKILL');
    },
    async restart() {
      serve = await start();
      ports = portsOf(serve);
    },
    async stop() {
      await serve.stop();
    },
  };
}

/** For afterAll: stops the server, then whatever a failed test left running, and removes the data directories. */
export async function stopMailServer(server: MailServer | undefined): Promise<void> {
  try {
    await server?.stop();
  } finally {
    await killAllServes();
    removeTempDataDirs();
  }
}

/**
 * What the server put in front of the bytes the client sent: `stored` must end with `sent`
 * exactly; the rest, split into header fields (continuation lines included, CRLF kept), is
 * sorted into Received fields and the others (Date, Message-ID, Authentication-Results, DKIM-Signature …).
 */
export function addedFields(stored: Buffer, sent: Buffer): { received: string[]; other: string[] } {
  if (stored.length < sent.length || !stored.subarray(stored.length - sent.length).equals(sent)) {
    throw new Error(`the stored message does not end with the bytes sent; stored:\n${stored.toString('latin1').slice(0, 3000)}`);
  }
  const prefix = stored.subarray(0, stored.length - sent.length).toString('latin1');
  const fields = prefix.split(/\r\n(?![ \t])/).filter((f) => f !== '').map((f) => `${f}\r\n`);
  if (fields.join('') !== prefix) throw new Error(`the added part is not a sequence of header fields: ${JSON.stringify(prefix)}`);
  return { received: fields.filter((f) => /^Received:/i.test(f)), other: fields.filter((f) => !/^Received:/i.test(f)) };
}

/** The header block of a stored message as text (latin1, so 8-bit bytes survive). */
export function headerBlock(raw: Buffer): string {
  const end = raw.indexOf('\r\n\r\n');
  return raw.subarray(0, end < 0 ? raw.length : end + 2).toString('latin1');
}

/** Waits until `check` returns a value that is not undefined (polling), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined, options: { timeoutMs?: number; what?: string } = {}): Promise<T> {
  const found = await waitFor(
    () => {
      const value = check();
      return value === undefined ? undefined : { value };
    },
    { timeout: options.timeoutMs ?? 5000, interval: 50, what: options.what ?? 'a condition' },
  );
  return found.value;
}
