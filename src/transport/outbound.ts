// Hands remote recipients to the durable outbound queue, in the same transaction as local delivery.
import type { Repositories } from '../store/index.js';

/** RFC 5321 §4.5.4.1: give up after about five days of temporary failures. */
export const QUEUE_LIFETIME_MS = 5 * 24 * 3600_000;

export interface DSNRequest {
  notify?: string[];
  ret?: string | null;
  envid?: string | null;
  orcpt?: Record<string, string | undefined>;
}

export interface QueuedRecipient {
  address: string;
  domain: string;
  dsn?: DSNRequest;
}

/** Rows for the queue; call inside the delivery transaction (MailStore.deliver's alsoInTransaction). */
export async function enqueueRemote(
  tx: Repositories,
  options: { accountId: number | null; mailFrom: string; recipients: QueuedRecipient[]; blob: { id: string; size: number }; now: number },
): Promise<number[]> {
  return tx.outbound.enqueue(
    options.recipients.map((r) => ({
      account_id: options.accountId,
      mail_from: options.mailFrom,
      recipient: r.address,
      domain: r.domain,
      blob_id: options.blob.id,
      size: options.blob.size,
      next_attempt_at: options.now,
      dsn: r.dsn ? JSON.stringify(r.dsn) : null,
      created_at: options.now,
      expires_at: options.now + QUEUE_LIFETIME_MS,
    })),
  );
}
