// The mailbox model's operations for the doors that manage mail (IMAP, POP3, webmail): names, flags, expunge, copy, move, append.
import type { Readable } from 'node:stream';
import { accountRecords } from '../accounts/index.js';
import { MailwardError } from '../errors/index.js';
import type { EventBus } from '../shared-state/index.js';
import type { MailboxChangeRow, MailboxRow, MessageFlagsRow, MessagePageOptions, MessageRow, RenderedFetchRow, RenderingColumn, RenderingRow, Store } from '../store/index.js';
import type { BodyCache } from './body-cache.js';
import { BodyReader } from './body-reader.js';
import { DEFAULT_MAILBOXES, INBOX } from './default-mailboxes.js';
import type { MailStore } from './mail-store.js';
import { isInferiorOf, normalizeMailboxName, parentNames } from './mailbox-name.js';
import { changeFlags, type FlagChangeMode, type MessageFlags } from './message-flags.js';
import { releaseBlob } from './blob-cleanup.js';
import { assertWithinQuota } from './quota.js';
import { whole, wholeOrNone } from './whole-copy.js';

export interface MailboxesDeps {
  store: Store;
  events: EventBus;
  mail: MailStore;
  now: () => number;
  /** This process's recently read bodies (made by the composition root, sized from `cache.body_cache_mb`). */
  bodyCache: BodyCache;
}

export interface StoreFlagsResult {
  /** MODSEQ given to every message this change touched (0 when none changed). */
  modseq: number;
  /** Every addressed message that still exists, with its flags after the change. */
  messages: MessageFlagsRow[];
  /** UIDs whose MODSEQ was above UNCHANGEDSINCE (RFC 7162 §3.1.3): left alone. */
  modified: number[];
}

/** A message without its search text: what FETCH and most SEARCH keys read. */
export type MessageMetaRow = Awaited<ReturnType<Store['mail']['findMessageMetaByUids']>>[number];
/** The narrowest message row: what FETCH of flags, sizes and dates reads. */
export type MessageFetchRow = Awaited<ReturnType<Store['mail']['findMessageFetchRows']>>[number];
export type { RenderedFetchRow, RenderingColumn, RenderingRow } from '../store/index.js';

export interface CopyResult {
  uidValidity: number;
  /** [source UID, new UID], in source UID order. */
  pairs: Array<[number, number]>;
}

export class Mailboxes {
  readonly #bodies: BodyReader;

  constructor(private readonly deps: MailboxesDeps) {
    this.#bodies = new BodyReader({ blobs: deps.store.blobs, cache: deps.bodyCache });
  }

  /** Every mailbox of the account, the special-use ones created on first use; sorted by name. */
  list(accountId: number): Promise<MailboxRow[]> {
    return this.deps.mail.ensureDefaultMailboxes(accountId);
  }

  async find(accountId: number, name: string): Promise<MailboxRow | undefined> {
    let normalized: string;
    try {
      normalized = normalizeMailboxName(name);
    } catch {
      return undefined;
    }
    const found = await this.deps.store.mail.findMailbox(accountId, normalized);
    // The default mailboxes exist for every account from its first use, whichever command comes first (SELECT Drafts before any LIST).
    if (found || !DEFAULT_MAILBOXES.some((m) => m.name === normalized)) return found;
    return (await this.list(accountId)).find((m) => m.name === normalized);
  }

  /** The mailbox or NOT_FOUND. */
  async get(accountId: number, name: string): Promise<MailboxRow> {
    const found = await this.find(accountId, name);
    if (!found) throw new MailwardError('NOT_FOUND', { message: 'Mailbox does not exist' });
    return found;
  }

  byId(mailboxId: number): Promise<MailboxRow | undefined> {
    return this.deps.store.mail.findMailboxById(mailboxId);
  }

  /**
   * Creates the mailbox and any missing parent (RFC 3501 §6.3.3); EXISTS when it is there already.
   * IMAP's CREATE subscribes nothing (the client does, RFC 3501 §6.3.6); `subscribe` does it here,
   * for the webmail, whose folders mail clients that list only subscribed ones should show.
   */
  async create(accountId: number, name: string, options: { specialUse?: string; subscribe?: boolean } = {}): Promise<MailboxRow> {
    const normalized = normalizeMailboxName(name);
    await this.list(accountId);
    const now = this.deps.now();
    const created = await this.deps.store.transaction(async (tx) => {
      for (const parent of parentNames(normalized)) await tx.mail.ensureMailbox({ accountId, name: parent, specialUse: null, now });
      if (options.subscribe) await tx.subscriptions.add(accountId, normalized);
      return tx.mail.createMailbox({ accountId, name: normalized, specialUse: options.specialUse ?? null, now });
    });
    this.#changed(accountId, created.id, 0);
    return created;
  }

  /**
   * Deletes a mailbox and its messages. INBOX cannot be deleted. Inferior mailboxes are kept
   * (RFC 3501 §6.3.4: they stay reachable; LIST then shows the deleted level as \NonExistent), and
   * so is a subscription to the name (RFC 3501 §6.3.6).
   */
  async delete(accountId: number, name: string): Promise<void> {
    const mailbox = await this.get(accountId, name);
    if (mailbox.name === INBOX) throw new MailwardError('FORBIDDEN', { message: 'INBOX cannot be deleted' });
    const blobs = await this.deps.store.transaction(async (tx) => {
      const messages = await tx.mail.listMessageFlags(mailbox.id);
      const rows = await tx.mail.findMessagesByUids(
        mailbox.id,
        messages.map((m) => m.uid),
      );
      await tx.mail.deleteMailbox(mailbox.id);
      return [...new Set(rows.map((r) => r.blob_id))];
    });
    await this.#releaseBlobs(blobs);
    this.#changed(accountId, mailbox.id, 0);
  }

  /**
   * Renames a mailbox and its inferiors. Renaming INBOX moves its messages to a new mailbox of
   * the new name and leaves INBOX empty (RFC 3501 §6.3.5).
   */
  async rename(accountId: number, from: string, to: string): Promise<void> {
    const source = await this.get(accountId, from);
    const target = normalizeMailboxName(to);
    if (await this.find(accountId, target)) throw new MailwardError('EXISTS', { message: 'A mailbox with the new name already exists' });
    if (isInferiorOf(target, source.name) || target === source.name) throw new MailwardError('INVALID_INPUT', { message: 'A mailbox cannot be renamed into itself' });
    const now = this.deps.now();
    if (source.name === INBOX) {
      const created = await this.create(accountId, target);
      const uids = (await this.deps.store.mail.listMessageFlags(source.id)).map((m) => m.uid);
      if (uids.length > 0) await this.move(source.id, uids, created.id);
      return;
    }
    const all = await this.list(accountId);
    const renamed = (name: string): string | undefined => (name === source.name ? target : isInferiorOf(name, source.name) ? target + name.slice(source.name.length) : undefined);
    await this.deps.store.transaction(async (tx) => {
      for (const parent of parentNames(target)) await tx.mail.ensureMailbox({ accountId, name: parent, specialUse: null, now });
      for (const mailbox of all) {
        const to = renamed(mailbox.name);
        if (to !== undefined) await tx.mail.renameMailbox(mailbox.id, to);
      }
      // Subscriptions follow the mailboxes they name, those below included.
      for (const name of await tx.subscriptions.list(accountId)) {
        const to = renamed(name);
        if (to !== undefined && (await tx.subscriptions.remove(accountId, name))) await tx.subscriptions.add(accountId, to);
      }
    });
    this.#changed(accountId, source.id, 0);
  }

  /**
   * SUBSCRIBE names an existing mailbox (RFC 3501 §6.3.6 lets the server check, and it does);
   * UNSUBSCRIBE takes any name on the list, a deleted mailbox's too, and NOT_FOUND for one not on it.
   */
  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    if (subscribed) return this.deps.store.subscriptions.add(accountId, (await this.get(accountId, name)).name);
    if (!(await this.deps.store.subscriptions.remove(accountId, normalizeMailboxName(name)))) throw new MailwardError('NOT_FOUND', { message: 'Not subscribed' });
  }

  /** The account's subscribed names, sorted; a name stays after its mailbox is deleted. */
  subscriptions(accountId: number): Promise<string[]> {
    return this.deps.store.subscriptions.list(accountId);
  }

  counts(mailboxId: number): ReturnType<Store['mail']['mailboxCounts']> {
    return this.deps.store.mail.mailboxCounts(mailboxId);
  }

  usage(accountId: number): ReturnType<Store['mail']['accountUsage']> {
    return this.deps.store.mail.accountUsage(accountId);
  }

  /** The account's storage limit (0 = none) and what it uses, read fresh: the administrator may change the limit at any time (IMAP QUOTA). */
  async quota(accountId: number): Promise<{ limitBytes: number; messages: number; size: number }> {
    const account = await accountRecords(this.deps.store).findById(accountId);
    const usage = await this.usage(accountId);
    return { limitBytes: account?.quotaBytes ?? 0, ...usage };
  }

  /** UID, MODSEQ and flags of every message: the starting view of a session. */
  listFlags(mailboxId: number): Promise<MessageFlagsRow[]> {
    return this.deps.store.mail.listMessageFlags(mailboxId);
  }

  /** UID, MODSEQ and flags of these messages (those that still exist). */
  listFlagsOf(mailboxId: number, uids: readonly number[]): Promise<MessageFlagsRow[]> {
    return this.deps.store.mail.findMessageFlagsByUids(mailboxId, uids);
  }

  /** UID, size and \Seen of every message in UID order, from one narrow query: a POP3 maildrop. */
  maildrop(mailboxId: number): Promise<Array<{ uid: number; size: number; seen: number }>> {
    return this.deps.store.mail.listMessageSizes(mailboxId);
  }

  messages(mailboxId: number, uids: readonly number[]): Promise<MessageRow[]> {
    return this.deps.store.mail.findMessagesByUids(mailboxId, uids);
  }

  /** What SELECT shows without reading every message row: the UIDs (from the index), the first unseen UID, the keywords in use. */
  async selectSummary(mailboxId: number): Promise<{ uids: number[]; firstUnseenUid: number | null; keywords: string[] }> {
    const mail = this.deps.store.mail;
    const [uids, firstUnseenUid, keywordSets] = await Promise.all([mail.listUids(mailboxId), mail.firstUnseenUid(mailboxId), mail.keywordSets(mailboxId, 1000)]);
    const keywords = [...new Set(keywordSets.flatMap((set) => set.split(' ')))];
    return { uids, firstUnseenUid, keywords };
  }

  /** Flags of the messages changed after `modseq` (QRESYNC). */
  listFlagsChangedSince(mailboxId: number, modseq: number): Promise<MessageFlagsRow[]> {
    return this.deps.store.mail.listFlagsChangedSince(mailboxId, modseq);
  }

  /** FETCH's narrow rows (flags, size, dates, blob) in UID order, with the stored IMAP `renderings` asked for (null: stored before they were kept). */
  fetchRows(mailboxId: number, uids: readonly number[], renderings: readonly RenderingColumn[] = []): Promise<RenderedFetchRow[]> {
    return renderings.length === 0 ? this.deps.store.mail.findMessageFetchRows(mailboxId, uids) : this.deps.store.renderings.fetchRows(mailboxId, uids, renderings);
  }

  /** Keeps renderings FETCH made for bodies stored without them, so it makes them once. */
  saveRenderings(rows: readonly RenderingRow[]): Promise<void> {
    return this.deps.store.renderings.put(rows);
  }

  /** The cached MIME structure (JSON) of these messages, by UID. */
  async structures(mailboxId: number, uids: readonly number[]): Promise<Map<number, string>> {
    return new Map((await this.deps.store.mail.findMessageStructures(mailboxId, uids)).map((r) => [r.uid, r.structure]));
  }

  /** The messages of these UIDs without their search text, in UID order. */
  messageMeta(mailboxId: number, uids: readonly number[]): Promise<MessageMetaRow[]> {
    return this.deps.store.mail.findMessageMetaByUids(mailboxId, uids);
  }

  /** One page of a mailbox in a sort order (webmail lists): only the page's rows are read. */
  page(mailboxId: number, options: MessagePageOptions): Promise<MessageMetaRow[]> {
    return this.deps.store.mail.pageMessages(mailboxId, options);
  }

  /** Every UID of the mailbox, in order, from the index alone. */
  uids(mailboxId: number): Promise<number[]> {
    return this.deps.store.mail.listUids(mailboxId);
  }

  /** Takes the \Recent messages for the one session that is first to see them; returns the first recent UID. */
  takeRecent(mailboxId: number): Promise<{ from: number; to: number }> {
    return this.deps.store.transaction((tx) => tx.mail.takeRecent(mailboxId));
  }

  changesSince(mailboxId: number, modseq: number, limit = 10_000): Promise<MailboxChangeRow[]> {
    return this.deps.store.mail.changesSince(mailboxId, modseq, limit);
  }

  expungedSince(mailboxId: number, modseq: number): Promise<number[]> {
    return this.deps.store.mail.expungedSince(mailboxId, modseq);
  }

  /** One body, from memory when read lately. */
  body(blobId: string): Promise<Buffer> {
    return this.#bodies.body(blobId);
  }

  /** Several bodies at once (FETCH of many small messages), in one store read where it allows. */
  bodies(blobIds: readonly string[]): Promise<Map<string, Buffer>> {
    return this.#bodies.bodies(blobIds);
  }

  bodyStream(blobId: string, range?: { start?: number; end?: number }): Promise<Readable> {
    return this.deps.store.blobs.stream(blobId, range);
  }

  /**
   * Changes flags of the given UIDs in one transaction with one new MODSEQ. With
   * `unchangedSince`, a message whose MODSEQ is higher is left alone and reported (CONDSTORE).
   */
  async storeFlags(
    mailboxId: number,
    uids: readonly number[],
    change: { mode: FlagChangeMode; flags: MessageFlags; unchangedSince?: number },
  ): Promise<StoreFlagsResult> {
    const now = this.deps.now();
    const mailbox = await this.byId(mailboxId);
    if (!mailbox) throw new MailwardError('NOT_FOUND', { message: 'Mailbox does not exist' });
    const result = await this.deps.store.transaction((tx) => changeFlags(tx, mailboxId, uids, { ...change, now }));
    if (result.modseq > 0) this.#changed(mailbox.account_id, mailboxId, result.modseq);
    return result;
  }

  /** Removes messages flagged \Deleted (only those among `uids` when given); returns the UIDs removed. */
  async expunge(mailboxId: number, options: { uids?: readonly number[] } = {}): Promise<{ uids: number[]; modseq: number }> {
    const mailbox = await this.byId(mailboxId);
    if (!mailbox) throw new MailwardError('NOT_FOUND', { message: 'Mailbox does not exist' });
    const allowed = options.uids ? new Set(options.uids) : undefined;
    const now = this.deps.now();
    const result = await this.deps.store.transaction(async (tx) => {
      const uids = (await tx.mail.listMessageFlags(mailboxId)).filter((m) => m.deleted === 1 && (!allowed || allowed.has(m.uid))).map((m) => m.uid);
      if (uids.length === 0) return { uids, modseq: 0, blobs: [] as string[] };
      const modseq = await tx.mail.nextModseq(mailboxId);
      const blobs = await tx.mail.deleteMessages(mailboxId, uids, modseq, now);
      return { uids, modseq, blobs };
    });
    if (result.uids.length > 0) {
      this.#changed(mailbox.account_id, mailboxId, result.modseq);
      await this.#releaseBlobs(result.blobs);
    }
    return { uids: result.uids, modseq: result.modseq };
  }

  /** Removes exactly these messages whatever their flags (POP3 DELE at QUIT, webmail delete). */
  async remove(mailboxId: number, uids: readonly number[]): Promise<number[]> {
    const mailbox = await this.byId(mailboxId);
    if (!mailbox) throw new MailwardError('NOT_FOUND', { message: 'Mailbox does not exist' });
    const now = this.deps.now();
    const result = await this.deps.store.transaction(async (tx) => {
      const present = (await tx.mail.findMessagesByUids(mailboxId, uids)).map((r) => r.uid);
      if (present.length === 0) return { uids: present, modseq: 0, blobs: [] as string[] };
      const modseq = await tx.mail.nextModseq(mailboxId);
      return { uids: present, modseq, blobs: await tx.mail.deleteMessages(mailboxId, present, modseq, now) };
    });
    if (result.uids.length > 0) {
      this.#changed(mailbox.account_id, mailboxId, result.modseq);
      await this.#releaseBlobs(result.blobs);
    }
    return result.uids;
  }

  /**
   * Copies messages into another mailbox of the same account (RFC 4315 COPYUID data in the result).
   * With `whole`, all of them or none: when one no longer exists (another session expunged it),
   * nothing is copied and `pairs` is empty (RFC 9051 §6.4.7: a failed COPY leaves the target as it was).
   */
  async copy(fromMailboxId: number, uids: readonly number[], toMailboxId: number, options: { whole?: boolean } = {}): Promise<CopyResult> {
    const [from, to] = await Promise.all([this.byId(fromMailboxId), this.byId(toMailboxId)]);
    if (!from || !to || from.account_id !== to.account_id) throw new MailwardError('NOT_FOUND', { message: 'Mailbox does not exist' });
    await assertWithinQuota(this.deps.store, to.account_id, (await this.messages(fromMailboxId, uids)).reduce((sum, r) => sum + r.size, 0));
    const now = this.deps.now();
    const pairs = await wholeOrNone(options, () => this.deps.store.transaction(async (tx) => whole(options, uids, await tx.mail.copyMessages(fromMailboxId, uids, toMailboxId, now))), []);
    if (pairs.length > 0) this.#changed(to.account_id, toMailboxId, 0);
    return { uidValidity: to.uid_validity, pairs };
  }

  /** Copy and expunge in one transaction (RFC 6851): the messages are in exactly one of the two mailboxes at any time. `whole` as for copy. */
  async move(fromMailboxId: number, uids: readonly number[], toMailboxId: number, options: { whole?: boolean } = {}): Promise<CopyResult & { expungeModseq: number }> {
    const [from, to] = await Promise.all([this.byId(fromMailboxId), this.byId(toMailboxId)]);
    if (!from || !to || from.account_id !== to.account_id) throw new MailwardError('NOT_FOUND', { message: 'Mailbox does not exist' });
    const now = this.deps.now();
    const result = await wholeOrNone(options, () => this.deps.store.transaction(async (tx) => {
      const pairs = whole(options, uids, await tx.mail.copyMessages(fromMailboxId, uids, toMailboxId, now));
      if (pairs.length === 0) return { pairs, modseq: 0 };
      const modseq = await tx.mail.nextModseq(fromMailboxId);
      await tx.mail.deleteMessages(
        fromMailboxId,
        pairs.map(([uid]) => uid),
        modseq,
        now,
      );
      return { pairs, modseq };
    }), { pairs: [], modseq: 0 });
    if (result.pairs.length > 0) {
      this.#changed(from.account_id, fromMailboxId, result.modseq);
      this.#changed(to.account_id, toMailboxId, 0);
    }
    return { uidValidity: to.uid_validity, pairs: result.pairs, expungeModseq: result.modseq };
  }

  /** Stores a message a client uploads (IMAP APPEND, webmail drafts); LIMIT when it would exceed the account's quota. */
  async append(accountId: number, name: string, raw: Buffer, options: { flags?: MessageFlags; internalDate?: number } = {}): Promise<{ mailbox: MailboxRow; uid: number }> {
    const mailbox = await this.get(accountId, name);
    await assertWithinQuota(this.deps.store, accountId, raw.length);
    const [stored] = await this.deps.mail.deliver({
      raw,
      targets: [{ accountId, mailbox: mailbox.name, flags: options.flags ?? {} }],
      ...(options.internalDate !== undefined ? { internalDate: options.internalDate } : {}),
    });
    if (!stored) throw new MailwardError('INTERNAL', { message: 'append stored nothing' });
    return { mailbox, uid: stored.uid };
  }

  async #releaseBlobs(blobIds: readonly string[]): Promise<void> {
    for (const id of blobIds) await releaseBlob(this.deps.store, id);
  }

  #changed(accountId: number, mailboxId: number, modseq: number): void {
    void this.deps.events.publish({ type: 'MailboxChanged', at: this.deps.now(), accountId, mailboxId, modseq });
  }
}

/** The special-use attribute names a mailbox may carry (RFC 6154). */
export const SPECIAL_USES: readonly string[] = DEFAULT_MAILBOXES.flatMap((m) => (m.specialUse ? [m.specialUse] : []));


/** The store's rows as the doors see them (the doors may not import the store). */
export type { MailboxChangeRow, MailboxRow, MessageFlagsRow, MessagePageOptions, MessageRow, MessageSortKey } from '../store/index.js';
