// Each account's senders whose remote images the webmail loads without asking ("Always show images from this sender").
import type { Kysely, Selectable } from 'kysely';
import type { ImageSendersTable, Tables } from '../schema.js';
import { countRows } from './count-rows.js';

export type ImageSenderRow = Selectable<ImageSendersTable>;

/** Senders are stored and compared lower-case; the caller normalises. */
export interface ImageSenderRepository {
  /** Adds the sender and returns its row; adding one that is there already changes nothing (its created_at stays). */
  add(input: { accountId: number; sender: string; now: number }): Promise<ImageSenderRow>;
  /** True when the sender was on the list. */
  remove(accountId: number, sender: string): Promise<boolean>;
  has(accountId: number, sender: string): Promise<boolean>;
  /** Oldest first. */
  list(accountId: number): Promise<ImageSenderRow[]>;
  count(accountId: number): Promise<number>;
}

export function createImageSenderRepository(db: Kysely<Tables>): ImageSenderRepository {
  return {
    async add({ accountId, sender, now }) {
      await db
        .insertInto('image_senders')
        .values({ account_id: accountId, sender, created_at: now })
        .onConflict((oc) => oc.columns(['account_id', 'sender']).doNothing())
        .execute();
      return db.selectFrom('image_senders').selectAll().where('account_id', '=', accountId).where('sender', '=', sender).executeTakeFirstOrThrow();
    },
    async remove(accountId, sender) {
      const result = await db.deleteFrom('image_senders').where('account_id', '=', accountId).where('sender', '=', sender).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async has(accountId, sender) {
      const row = await db.selectFrom('image_senders').select('sender').where('account_id', '=', accountId).where('sender', '=', sender).executeTakeFirst();
      return row !== undefined;
    },
    list: (accountId) => db.selectFrom('image_senders').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('sender').execute(),
    count: (accountId) => countRows(db.selectFrom('image_senders').where('account_id', '=', accountId)),
  };
}
