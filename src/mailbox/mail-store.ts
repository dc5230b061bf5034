// Stores messages into mailboxes durably: body fsynced (or written in the same transaction), then one transaction allocates UIDs for every recipient.
import { createHash } from 'node:crypto';
import { MailwardError } from '../errors/index.js';
import type { EventBus } from '../shared-state/index.js';
import type { BlobRef, MailboxRow, RenderingRow, Repositories, Store } from '../store/index.js';
import { DEFAULT_MAILBOXES, INBOX } from './default-mailboxes.js';
import type { MessageFlags } from './message-flags.js';
import { flagColumns } from './message-flags.js';
import { decodeHeaderValue, imapRenderings, parseMessageStructure } from './mime/index.js';
import type { MessageStructure } from './mime/index.js';
import { buildSearchText } from './search-text.js';
import { toCRLF } from './line-endings.js';
import { GroupCommitter } from './group-committer.js';

export interface DeliveryTarget {
  accountId: number;
  /** Mailbox name; INBOX by default. A special-use name ('Sent') is found by its attribute. */
  mailbox?: string;
  specialUse?: string;
  flags?: MessageFlags;
}

export interface DeliveryItem {
  raw: Buffer;
  targets: DeliveryTarget[];
  authResults?: unknown;
}

export interface StoredMessage {
  accountId: number;
  mailboxId: number;
  uid: number;
  modseq: number;
  size: number;
  blobId: string;
}

export interface MailStoreDeps {
  store: Store;
  events: EventBus;
  now: () => number;
}

function headerText(structure: MessageStructure, name: string): string {
  const field = structure.headers.find((f) => f.name.toLowerCase() === name);
  return field ? decodeHeaderValue(field.value).slice(0, 1000) : '';
}

function sentDate(structure: MessageStructure): number | null {
  const value = structure.headers.find((f) => f.name.toLowerCase() === 'date')?.value;
  const time = value ? Date.parse(value) : NaN;
  return Number.isFinite(time) ? time : null;
}

/** Accounts whose mailbox list is kept; a server with more active recipients re-reads the oldest. */
const MAILBOX_CACHE_ACCOUNTS = 10_000;

/**
 * A cached mailbox row no longer matches the database (deleted, renamed, recreated by IMAP or
 * another process): the delivery drops the account's cache and resolves its targets again.
 */
class StaleMailbox extends Error {
  constructor(readonly accountId: number) {
    super('cached mailbox is stale');
  }
}

export class MailStore {
  readonly #committer: GroupCommitter;
  /**
   * Each account's mailboxes, so a delivery does not list them (and check the defaults) every
   * time. Not the truth: every cached row a delivery uses is checked against its row inside the
   * writing transaction (once per group), and a mismatch re-reads the list and retries.
   */
  readonly #mailboxes = new Map<number, Promise<MailboxRow[]>>();
  /** Mailbox ids already checked in a group's transaction (the same `tx` object serves the whole group). */
  readonly #checked = new WeakMap<Repositories, Set<number>>();

  constructor(private readonly deps: MailStoreDeps) {
    this.#committer = new GroupCommitter((work) => deps.store.transaction(work));
  }

  /** Creates INBOX, Drafts, Sent, Trash, Junk and Archive when missing. */
  async ensureDefaultMailboxes(accountId: number): Promise<MailboxRow[]> {
    const existing = await this.deps.store.mail.listMailboxes(accountId);
    const names = new Set(existing.map((m) => m.name));
    const missing = DEFAULT_MAILBOXES.filter((m) => !names.has(m.name));
    if (missing.length === 0) return existing;
    for (const mailbox of missing) {
      await this.deps.store.mail.ensureMailbox({ accountId, name: mailbox.name, specialUse: mailbox.specialUse, now: this.deps.now() });
      // The mailboxes every account has are subscribed from the start, so clients that list only subscribed ones show them.
      await this.deps.store.subscriptions.add(accountId, mailbox.name);
    }
    return this.deps.store.mail.listMailboxes(accountId);
  }

  /** The account's mailboxes from the cache, read (and completed with the defaults) on a miss; concurrent misses share one read. */
  #mailboxesOf(accountId: number): Promise<MailboxRow[]> {
    const cached = this.#mailboxes.get(accountId);
    if (cached) return cached;
    if (this.#mailboxes.size >= MAILBOX_CACHE_ACCOUNTS) this.#mailboxes.delete(this.#mailboxes.keys().next().value as number);
    const loading = this.ensureDefaultMailboxes(accountId);
    this.#mailboxes.set(accountId, loading);
    loading.catch(() => {
      if (this.#mailboxes.get(accountId) === loading) this.#mailboxes.delete(accountId);
    });
    return loading;
  }

  async #mailboxFor(target: DeliveryTarget): Promise<MailboxRow> {
    const find = (mailboxes: MailboxRow[]): MailboxRow | undefined =>
      target.specialUse ? mailboxes.find((m) => m.special_use === target.specialUse) : mailboxes.find((m) => m.name === (target.mailbox ?? INBOX));
    let found = find(await this.#mailboxesOf(target.accountId));
    if (!found) {
      // Perhaps created since the list was cached.
      this.#mailboxes.delete(target.accountId);
      found = find(await this.#mailboxesOf(target.accountId));
    }
    if (found) return found;
    if (target.specialUse) {
      // The user deleted the special mailbox: recreate it rather than lose the copy.
      this.#mailboxes.delete(target.accountId);
      const name = DEFAULT_MAILBOXES.find((m) => m.specialUse === target.specialUse)?.name ?? target.specialUse;
      return this.deps.store.mail.ensureMailbox({ accountId: target.accountId, name, specialUse: target.specialUse, now: this.deps.now() });
    }
    throw new MailwardError('NOT_FOUND', { message: `mailbox ${target.mailbox ?? INBOX} does not exist` });
  }

  /** Inside the writing transaction: is the cached row still this mailbox? Checked once per mailbox per group. */
  async #checkMailbox(tx: Repositories, mailbox: MailboxRow): Promise<void> {
    let checked = this.#checked.get(tx);
    if (!checked) {
      checked = new Set();
      this.#checked.set(tx, checked);
    }
    if (checked.has(mailbox.id)) return;
    const row = await tx.mail.findMailboxById(mailbox.id);
    if (!row || row.account_id !== mailbox.account_id || row.name !== mailbox.name || row.special_use !== mailbox.special_use) {
      throw new StaleMailbox(mailbox.account_id);
    }
    checked.add(mailbox.id);
  }

  /**
   * Stores one message for every target. When this resolves, the bytes are fsynced and every
   * mailbox row is committed (all targets in one transaction): only then may SMTP say 250.
   */
  async deliver(input: {
    raw: Buffer;
    targets: DeliveryTarget[];
    internalDate?: number;
    authResults?: unknown;
    /** More writes that must commit with the messages or not at all (e.g. queueing remote recipients). */
    alsoInTransaction?: (tx: Repositories, blob: BlobRef) => Promise<void>;
  }): Promise<StoredMessage[]> {
    const also = input.alsoInTransaction;
    return this.deliverBatch({
      items: [{ raw: input.raw, targets: input.targets, ...(input.authResults !== undefined ? { authResults: input.authResults } : {}) }],
      ...(input.internalDate !== undefined ? { internalDate: input.internalDate } : {}),
      ...(also ? { alsoInTransaction: (tx: Repositories, blobs: BlobRef[]) => also(tx, blobs[0]!) } : {}),
    });
  }

  /**
   * Several versions of a message (say, the original for the owner and a forwarded copy with an
   * extra header) stored in ONE transaction: all of them commit, or none. Concurrent deliveries
   * share that transaction's commit (see GroupCommitter); each resolves only after it.
   */
  async deliverBatch(input: {
    items: DeliveryItem[];
    internalDate?: number;
    alsoInTransaction?: (tx: Repositories, blobs: BlobRef[]) => Promise<void>;
  }): Promise<StoredMessage[]> {
    if (input.items.every((item) => item.targets.length === 0) && !input.alsoInTransaction) return [];
    const now = this.deps.now();
    const prepared = await Promise.all(
      input.items.map(async (item) => {
        const raw = toCRLF(item.raw);
        // A small body becomes a row of the delivery's own transaction (one fsync for it all);
        // a larger one is written and fsynced by the thread pool while this thread parses and indexes.
        const inline = raw.length <= (this.deps.store.blobs.inlineLimit ?? -1);
        const writing = inline
          ? Promise.resolve({ id: createHash('sha256').update(raw).digest('hex'), size: raw.length })
          : this.deps.store.blobs.put(raw);
        writing.catch(() => undefined);
        const structure = parseMessageStructure(raw);
        const row = {
          size: raw.length,
          internal_date: input.internalDate ?? now,
          subject: headerText(structure, 'subject'),
          from_text: headerText(structure, 'from'),
          to_text: headerText(structure, 'to'),
          cc_text: headerText(structure, 'cc'),
          message_id: (structure.envelope.messageId ?? '').slice(0, 1000),
          sent_date: sentDate(structure),
          structure: JSON.stringify({ root: structure.root, envelope: structure.envelope }),
          auth_results: item.authResults === undefined ? null : JSON.stringify(item.authResults),
          search_text: buildSearchText(raw, structure),
        };
        // What a metadata FETCH sends, rendered now once rather than by every process that serves it.
        const renderings = item.targets.length > 0 ? imapRenderings(structure) : undefined;
        const blob = await writing;
        return { item, blob, inline: inline ? raw : undefined, renderings, row: { ...row, blob_id: blob.id, size: blob.size } };
      }),
    );
    let stored: StoredMessage[] | undefined;
    for (let attempt = 0; !stored; attempt++) {
      const targets = await Promise.all(prepared.map((p) => Promise.all(p.item.targets.map((t) => this.#mailboxFor(t)))));
      try {
        stored = await this.#committer.run(async (tx) => {
          const out: StoredMessage[] = [];
          for (const { blob, inline } of prepared) {
            if (inline) await tx.blobRows.insert({ id: blob.id, data: inline, now });
          }
          const rendered: RenderingRow[] = [];
          for (const [n, { item, blob, row, renderings }] of prepared.entries()) {
            for (const [i, target] of item.targets.entries()) {
              const mailbox = targets[n]![i]!;
              await this.#checkMailbox(tx, mailbox);
              const { uid, modseq } = await tx.mail.appendMessage(mailbox.id, { ...row, ...flagColumns(target.flags) }, now);
              out.push({ accountId: target.accountId, mailboxId: mailbox.id, uid, modseq, size: blob.size, blobId: blob.id });
              if (renderings) rendered.push({ mailbox_id: mailbox.id, uid, ...renderings });
            }
          }
          await tx.renderings.put(rendered);
          if (input.alsoInTransaction) await input.alsoInTransaction(tx, prepared.map((p) => p.blob));
          return out;
        });
      } catch (error) {
        // Once: a mailbox that changes again at once is not worth chasing.
        if (!(error instanceof StaleMailbox) || attempt > 0) {
          if (error instanceof StaleMailbox) throw new MailwardError('NOT_FOUND', { message: 'mailbox changed during delivery' });
          throw error;
        }
        this.#mailboxes.delete(error.accountId);
      }
    }
    for (const message of stored) {
      void this.deps.events.publish({ type: 'MailboxChanged', at: now, accountId: message.accountId, mailboxId: message.mailboxId, modseq: message.modseq });
      void this.deps.events.publish({
        type: 'MessageDelivered',
        at: now,
        accountId: message.accountId,
        mailboxId: message.mailboxId,
        uid: message.uid,
        size: message.size,
      });
    }
    return stored;
  }
}
