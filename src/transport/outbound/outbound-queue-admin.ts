// What an administrator does with the queue (`mailward queue list|retry|delete`): list rows, make one due now, remove one.
import { MailwardError } from '../../errors/index.js';
import type { OutboundRow, Store } from '../../store/index.js';
import { releaseBlob } from '../../mailbox/index.js';

/** How a row looks to an admin: a claimed row is being sent, a queued row with attempts was deferred. */
export type QueueEntryState = 'queued' | 'deferred' | 'sending' | 'failed';

export function queueEntryState(row: OutboundRow, now: number): QueueEntryState {
  if (row.status === 'failed') return 'failed';
  if (row.locked_until > now) return 'sending';
  return row.attempts > 0 ? 'deferred' : 'queued';
}

/** Queue ids are positive integers; anything else names no entry. */
export function parseQueueId(text: string): number {
  const id = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new MailwardError('INVALID_INPUT', { message: `queue id must be a positive integer, got ${JSON.stringify(text.slice(0, 40))}` });
  return id;
}

export class OutboundQueueAdmin {
  constructor(private readonly deps: { store: Store; now: () => number }) {}

  list(options: { limit?: number } = {}): Promise<OutboundRow[]> {
    return this.deps.store.outbound.list(options);
  }

  /** Makes the entry due now (a failed one is queued again); NOT_FOUND for an unknown id. */
  async retry(id: number): Promise<void> {
    if (!(await this.deps.store.outbound.retryNow(id, this.deps.now()))) throw notFound(id);
  }

  /** Removes the entry without a bounce, and its message body when nothing else uses it. */
  async delete(id: number): Promise<OutboundRow> {
    const row = await this.deps.store.outbound.find(id);
    if (!row) throw notFound(id);
    await this.deps.store.outbound.delete(id);
    await releaseBlob(this.deps.store, row.blob_id);
    return row;
  }
}

function notFound(id: number): MailwardError {
  return new MailwardError('NOT_FOUND', { message: `queue entry ${id} does not exist` });
}
