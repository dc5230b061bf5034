// One session's view of its selected mailbox: message sequence numbers, \Recent, and the journal position it has reported up to.
import type { Mailboxes } from '../../mailbox/index.js';
import type { SequenceSet } from '../../proto/imap/sequence-set.js';
import type { MailboxRow, MessageFlagsRow } from '../../mailbox/index.js';
import { UidList } from './uid-list.js';

/** What a sync found for the client: sent as untagged responses by the connection. */
export interface MailboxUpdates {
  /** Message sequence numbers to report as EXPUNGE, in the order to send them (each already applied). */
  expunged: Array<{ seq: number; uid: number }>;
  /** New EXISTS count when messages arrived. */
  exists?: number;
  recent?: number;
  /** Messages whose flags another session (or an earlier command of ours) changed. */
  flagChanges: Array<{ seq: number; row: MessageFlagsRow }>;
}

export class SelectedMailbox {
  /** UIDs in sequence order: position + 1 is the message sequence number. */
  readonly #uids: UidList;
  readonly #recent: Set<number>;
  /**
   * UID ranges [from, to) this session took as \Recent. A UID in one may become visible only at a
   * later sync (appended after the journal was read, before the range was taken): it is ours then.
   */
  #claims: Array<{ from: number; to: number }> = [];
  /** The journal is reported up to here. */
  #modseq: number;
  /** UIDs expunged elsewhere but not yet reported (RFC 3501 §7.4.1 forbids EXPUNGE during FETCH, STORE, SEARCH). */
  readonly #pendingExpunge = new Set<number>();
  /** MODSEQs of this session's own changes, already reported by the command that made them. */
  readonly #ownModseqs = new Set<number>();
  /** Keywords the client was told of in FLAGS, by lower-case spelling (they compare case-insensitively, RFC 3501 §2.3.2). */
  readonly #keywords = new Map<string, string>();

  private constructor(
    readonly mailbox: MailboxRow,
    readonly readOnly: boolean,
    uids: UidList,
    recent: Set<number>,
    modseq: number,
    private readonly mailboxes: Mailboxes,
  ) {
    this.#uids = uids;
    this.#recent = recent;
    this.#modseq = modseq;
  }

  /**
   * Opens a view: the journal position is read BEFORE the message list, so a change that commits
   * in between is seen again by the first sync (reported twice is harmless, missed is not).
   */
  static async open(
    mailboxes: Mailboxes,
    mailbox: MailboxRow,
    options: { readOnly: boolean },
  ): Promise<{ view: SelectedMailbox; firstUnseenUid: number | null; keywords: string[] }> {
    const fresh = (await mailboxes.byId(mailbox.id)) ?? mailbox;
    // A read-only session sees \Recent without taking it: later sessions see it too (RFC 3501 §2.3.2).
    const recentRange = options.readOnly ? { from: Number(fresh.first_recent_uid), to: Number.MAX_SAFE_INTEGER } : await mailboxes.takeRecent(mailbox.id);
    const summary = await mailboxes.selectSummary(mailbox.id);
    const uids = UidList.from(summary.uids);
    // A message appended after the range was taken is not this session's: the next one to look takes it.
    const recent = new Set(summary.uids.filter((uid) => uid >= recentRange.from && uid < recentRange.to));
    const view = new SelectedMailbox(fresh, options.readOnly, uids, recent, fresh.highest_modseq, mailboxes);
    if (!options.readOnly) view.#claims.push(recentRange);
    return { view, firstUnseenUid: summary.firstUnseenUid, keywords: summary.keywords };
  }

  get exists(): number {
    return this.#uids.length;
  }

  get recentCount(): number {
    return this.#recent.size;
  }

  get highestModseq(): number {
    return this.#modseq;
  }

  get uidNext(): number {
    return Math.max(this.mailbox.uid_next, (this.#uids.last ?? 0) + 1);
  }

  /** The keywords the client was told of, in the order it learnt them. */
  get keywords(): string[] {
    return [...this.#keywords.values()];
  }

  /** Counts these keywords as told to the client; true when one of them was new (FLAGS must then be said again first). */
  learnKeywords(keywords: Iterable<string>): boolean {
    let grew = false;
    for (const keyword of keywords) {
      const key = keyword.toLowerCase();
      if (this.#keywords.has(key)) continue;
      this.#keywords.set(key, keyword);
      grew = true;
    }
    return grew;
  }

  isRecent(uid: number): boolean {
    return this.#recent.has(uid);
  }

  uidAt(seq: number): number | undefined {
    return this.#uids.at(seq);
  }

  /** Sequence number of a UID in this view, or undefined. */
  seqOf(uid: number): number | undefined {
    return this.#uids.seqOf(uid);
  }

  /** Every UID in sequence order (a fresh array). */
  allUids(): readonly number[] {
    return [...this.#uids];
  }

  /**
   * The UIDs a set names, in sequence order. With `uid`, `*` is the highest UID and numbers that
   * match no message are skipped (RFC 3501 §6.4.8); without, the caller has checked that no
   * number is above EXISTS.
   */
  resolve(set: SequenceSet, options: { uid: boolean }): number[] {
    const max = this.#uids.length;
    if (max === 0) return [];
    if (!options.uid) {
      const wanted = new Uint8Array(max + 1);
      for (const { start, end } of set) {
        const a = start === '*' ? max : start;
        const b = end === '*' ? max : end;
        for (let seq = Math.max(1, Math.min(a, b)); seq <= Math.min(max, Math.max(a, b)); seq++) wanted[seq] = 1;
      }
      const out: number[] = [];
      let seq = 0;
      for (const uid of this.#uids) if (wanted[++seq] === 1) out.push(uid);
      return out;
    }
    const highest = this.#uids.last!;
    // RFC 3501 §6.4.8: `n:*` with n above every UID still names the highest one.
    const bounds = set.map(({ start, end }) => {
      const a = start === '*' ? highest : start;
      const b = end === '*' ? highest : end;
      return [Math.min(a, b), Math.max(a, b)] as const;
    });
    const out: number[] = [];
    for (const [first, last] of this.#uids.ranges()) {
      for (const [low, high] of bounds) {
        if (high < first || low > last) continue;
        for (let uid = Math.max(first, low); uid <= Math.min(last, high); uid++) out.push(uid);
      }
    }
    return [...new Set(out)].sort((a, b) => a - b);
  }

  /** Records a change this session made and reported itself, so the journal does not report it again. */
  markOwn(modseq: number): void {
    if (modseq > 0) this.#ownModseqs.add(modseq);
  }

  /** Removes expunged messages from the view; returns the `* n EXPUNGE` numbers to send, in order (each counted after the ones before). */
  removeOwn(uids: readonly number[]): Array<{ seq: number; uid: number }> {
    const out: Array<{ seq: number; uid: number }> = [];
    for (const uid of [...uids].sort((a, b) => a - b)) {
      // Each EXPUNGE renumbers the ones after it, so numbers are taken as they are removed.
      const seq = this.#uids.remove(uid);
      if (seq === undefined) continue;
      this.#recent.delete(uid);
      this.#pendingExpunge.delete(uid);
      out.push({ seq, uid });
    }
    return out;
  }

  /** Whether a message is still in this view but already expunged by another session. */
  isExpungedElsewhere(uid: number): boolean {
    return this.#pendingExpunge.has(uid);
  }

  /**
   * Reads the journal since the last sync and applies it. Expunges are applied only when
   * `allowExpunge` (otherwise they wait, and the messages stay addressable); new messages and
   * flag changes always are.
   */
  async sync(options: { allowExpunge: boolean }): Promise<MailboxUpdates> {
    const updates: MailboxUpdates = { expunged: [], flagChanges: [] };
    const flagged = new Set<number>();
    const appended: number[] = [];
    for (;;) {
      const changes = await this.mailboxes.changesSince(this.mailbox.id, this.#modseq, 5000);
      if (changes.length === 0) break;
      for (const change of changes) {
        this.#modseq = Math.max(this.#modseq, change.modseq);
        if (this.#ownModseqs.has(change.modseq)) continue;
        if (change.kind === 'append') appended.push(change.uid);
        else if (change.kind === 'flags') flagged.add(change.uid);
        else if (change.kind === 'expunge') this.#pendingExpunge.add(change.uid);
      }
      if (changes.length < 5000) break;
    }
    // Our own changes at or below the journal position can no longer come back: forget them.
    for (const modseq of this.#ownModseqs) if (modseq <= this.#modseq) this.#ownModseqs.delete(modseq);
    for (const uid of this.#pendingExpunge) if (this.seqOf(uid) === undefined && !appended.includes(uid)) this.#pendingExpunge.delete(uid);
    const last = this.#uids.last ?? 0;
    const fresh = [...new Set(appended)].filter((uid) => uid > last).sort((a, b) => a - b);
    // A message appended and expunged between two syncs is never shown.
    const visible = fresh.filter((uid) => !this.#pendingExpunge.delete(uid));
    if (options.allowExpunge && this.#pendingExpunge.size > 0) {
      updates.expunged = this.removeOwn([...this.#pendingExpunge]);
    }
    if (visible.length > 0) {
      // The first session to learn of a message gets it as \Recent (RFC 3501 §2.3.2); a read-only one only looks.
      if (this.readOnly) this.#claims = [{ from: Number((await this.mailboxes.byId(this.mailbox.id))?.first_recent_uid ?? Number.MAX_SAFE_INTEGER), to: Number.MAX_SAFE_INTEGER }];
      else this.#claims.push(await this.mailboxes.takeRecent(this.mailbox.id));
      for (const uid of visible) if (this.#claims.some((range) => uid >= range.from && uid < range.to)) this.#recent.add(uid);
      // New UIDs are above every visible one: a range that ends at or below the last can give no more.
      const newest = visible[visible.length - 1]!;
      this.#claims = this.#claims.filter((range) => range.to > newest + 1);
      for (const uid of visible) this.#uids.push(uid);
      updates.exists = this.#uids.length;
      updates.recent = this.#recent.size;
    }
    const changed = [...flagged].filter((uid) => this.seqOf(uid) !== undefined && !this.#pendingExpunge.has(uid));
    if (changed.length > 0) {
      const rows = await this.mailboxes.listFlagsOf(this.mailbox.id, changed);
      for (const row of rows) {
        const seq = this.seqOf(row.uid);
        if (seq !== undefined) updates.flagChanges.push({ seq, row });
      }
    }
    return updates;
  }
}
