// Marks queue rows failed and, in the same transaction, sends their sender a DSN: into a local INBOX, or back through the queue.
import type { Account } from '../../accounts/index.js';
import type { OutboundRow, Repositories, Store } from '../../store/index.js';
import type { MailStore } from '../../mailbox/mail-store.js';
import type { DSNRequest } from '../outbound.js';
import { enqueueRemote } from '../outbound.js';
import type { FailedRecipient } from './dsn.js';
import { buildDSN } from './dsn.js';

export interface FailedRow {
  row: OutboundRow;
  failure: Omit<FailedRecipient, 'address' | 'originalRecipient'>;
}

export interface BouncerDeps {
  store: Store;
  mail: MailStore;
  accounts: { resolve(address: string): Promise<Account | undefined> };
  hostname: string;
  now: () => number;
  /** Called after a DSN was put in the queue, so the worker picks it up at once. */
  onEnqueued?: () => void;
}

export function parseDSNRequest(text: string | null): DSNRequest {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as DSNRequest) : {};
  } catch {
    return {};
  }
}

/**
 * RFC 3461 §4.1: NOTIFY=NEVER, or a NOTIFY list without FAILURE, asks for no failure report.
 * Without NOTIFY the default is to report failures.
 */
export function wantsFailureReport(request: DSNRequest): boolean {
  if (!request.notify || request.notify.length === 0) return true;
  return request.notify.some((n) => n.toUpperCase() === 'FAILURE');
}

/** The domain of an envelope address (the part after the last "@"), lower-cased; '' when there is none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at <= 0 ? '' : address.slice(at + 1).toLowerCase().replace(/\.$/, '');
}

export class Bouncer {
  constructor(private readonly deps: BouncerDeps) {}

  /**
   * Fails `failed` (rows of one message and one sender) and reports them to the sender. A bounce
   * is never bounced (RFC 5321 §6.1: mail from the null reverse-path gets no DSN), and a sender
   * that asked for no failure report gets none. The rows change state in the same transaction that
   * stores or queues the DSN, so a crash neither loses the report nor sends it twice.
   */
  async fail(failed: FailedRow[], original: Buffer | undefined): Promise<void> {
    if (failed.length === 0) return;
    const first = failed[0]!.row;
    const markFailed = async (tx: Repositories): Promise<void> => {
      for (const { row, failure } of failed) await tx.outbound.fail(row.id, { error: `${failure.status} ${failure.diagnostic}` });
    };
    const reported = failed.filter(({ row }) => row.mail_from !== '' && wantsFailureReport(parseDSNRequest(row.dsn)));
    if (reported.length === 0) {
      await this.deps.store.transaction(markFailed);
      return;
    }
    const request = parseDSNRequest(first.dsn);
    const now = this.deps.now();
    const dsn = buildDSN({
      hostname: this.deps.hostname,
      to: first.mail_from,
      arrivalDate: first.created_at,
      envelopeId: request.envid ?? null,
      recipients: reported.map(({ row, failure }) => {
        const orcpt = parseDSNRequest(row.dsn).orcpt;
        const originalRecipient = orcpt ? (orcpt[row.recipient] ?? Object.values(orcpt)[0]) : undefined;
        return { address: row.recipient, ...(originalRecipient ? { originalRecipient } : {}), ...failure };
      }),
      original,
      returnFull: (request.ret ?? '').toUpperCase() === 'FULL',
      now,
    });

    const local = await this.deps.accounts.resolve(first.mail_from);
    if (local) {
      await this.deps.mail.deliver({ raw: dsn, targets: [{ accountId: local.id }], alsoInTransaction: (tx) => markFailed(tx) });
      return;
    }
    const domain = domainOf(first.mail_from);
    if (domain === '') {
      // Nowhere to send it (a malformed sender slipped in): the failure stays visible in `queue list`.
      await this.deps.store.transaction(markFailed);
      return;
    }
    const blob = await this.deps.store.blobs.put(dsn);
    await this.deps.store.transaction(async (tx) => {
      await markFailed(tx);
      await enqueueRemote(tx, { accountId: null, mailFrom: '', recipients: [{ address: first.mail_from, domain }], blob, now });
    });
    this.deps.onEnqueued?.();
  }
}
