// Deletes a message body once neither a mailbox message nor a queue row refers to it any more.
import type { Repositories, Store } from '../store/index.js';

async function references(repositories: Repositories, blobId: string): Promise<number> {
  return (await repositories.mail.blobReferences(blobId)) + (await repositories.outbound.blobReferences(blobId));
}

/**
 * Deletes `blobId` when nothing references it; returns true when it was deleted.
 *
 * Why a transaction (on SQLite) and not an age limit: blobs are content-addressed, and `put` of
 * bytes that already exist returns the old blob without refreshing any timestamp, so age says
 * nothing about a new reference. On SQLite the count and the delete run in one BEGIN IMMEDIATE
 * transaction, which holds the write lock: no message or queue row can commit a new reference
 * between them (and the fs blob store needs no database connection meanwhile). On PostgreSQL a
 * transaction would add nothing under READ COMMITTED, and holding its connection while the
 * PostgreSQL blob store takes a second one can exhaust the pool when many deliveries finish at
 * once; there the count and the delete run one after the other.
 *
 * What remains is a writer that already called `blobs.put` for these exact bytes and commits its
 * row after our delete. Every message we accept gets a unique Received/queue id, so identical bytes
 * only come from re-using stored bytes, which goes through a message that still references the
 * blob (then our count is not zero). Closing it fully needs the blob store to re-check existence
 * inside the writer's transaction.
 */
export async function releaseBlob(store: Store, blobId: string): Promise<boolean> {
  if (store.dialect === 'sqlite') {
    return store.transaction(async (tx) => ((await references(tx, blobId)) > 0 ? false : store.blobs.delete(blobId, { tx })));
  }
  return (await references(store, blobId)) > 0 ? false : store.blobs.delete(blobId);
}
