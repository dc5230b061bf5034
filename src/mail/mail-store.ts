// Stores messages into mailboxes durably: blob fsynced, then one transaction allocates UIDs for every recipient.
import { MailwardError } from '../errors/index.js';
import type { EventBus } from '../shared-state/index.js';
import type { BlobRef, MailboxRow, Repositories, Store } from '../store/index.js';
import { DEFAULT_MAILBOXES, INBOX } from './default-mailboxes.js';
import type { MessageFlags } from './message-flags.js';
import { flagColumns } from './message-flags.js';
import { decodeHeaderValue, parseMessageStructure } from './mime/index.js';
import type { MessageStructure } from './mime/index.js';
import { buildSearchText } from './search-text.js';
import { toCRLF } from './line-endings.js';

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

export class MailStore {
  constructor(private readonly deps: MailStoreDeps) {}

  /** Creates INBOX, Drafts, Sent, Trash, Junk and Archive when missing. */
  async ensureDefaultMailboxes(accountId: number): Promise<MailboxRow[]> {
    const existing = await this.deps.store.mail.listMailboxes(accountId);
    const names = new Set(existing.map((m) => m.name));
    const missing = DEFAULT_MAILBOXES.filter((m) => !names.has(m.name));
    if (missing.length === 0) return existing;
    for (const mailbox of missing) {
      await this.deps.store.mail.ensureMailbox({ accountId, name: mailbox.name, specialUse: mailbox.specialUse, now: this.deps.now() });
    }
    return this.deps.store.mail.listMailboxes(accountId);
  }

  async #mailboxFor(target: DeliveryTarget): Promise<MailboxRow> {
    const mailboxes = await this.ensureDefaultMailboxes(target.accountId);
    const found = target.specialUse
      ? mailboxes.find((m) => m.special_use === target.specialUse)
      : mailboxes.find((m) => m.name === (target.mailbox ?? INBOX));
    if (found) return found;
    if (target.specialUse) {
      // The user deleted the special mailbox: recreate it rather than lose the copy.
      const name = DEFAULT_MAILBOXES.find((m) => m.specialUse === target.specialUse)?.name ?? target.specialUse;
      return this.deps.store.mail.ensureMailbox({ accountId: target.accountId, name, specialUse: target.specialUse, now: this.deps.now() });
    }
    throw new MailwardError('NOT_FOUND', { message: `mailbox ${target.mailbox ?? INBOX} does not exist` });
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
   * extra header) stored in ONE transaction: all of them commit, or none.
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
        const structure = parseMessageStructure(raw);
        const blob = await this.deps.store.blobs.put(raw);
        const mailboxes = await Promise.all(item.targets.map((t) => this.#mailboxFor(t)));
        const row = {
          blob_id: blob.id,
          size: blob.size,
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
        return { item, blob, mailboxes, row };
      }),
    );
    const stored = await this.deps.store.transaction(async (tx) => {
      const out: StoredMessage[] = [];
      for (const { item, blob, mailboxes, row } of prepared) {
        for (const [i, target] of item.targets.entries()) {
          const mailbox = mailboxes[i]!;
          const { uid, modseq } = await tx.mail.appendMessage(mailbox.id, { ...row, ...flagColumns(target.flags) }, now);
          out.push({ accountId: target.accountId, mailboxId: mailbox.id, uid, modseq, size: blob.size, blobId: blob.id });
        }
      }
      if (input.alsoInTransaction) await input.alsoInTransaction(tx, prepared.map((p) => p.blob));
      return out;
    });
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
