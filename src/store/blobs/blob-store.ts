// Content-addressed storage for message bodies: the id is the SHA-256 of the bytes.
import type { Readable } from 'node:stream';
import type { Repositories } from '../repositories.js';

export interface BlobRef {
  /** Lower-case hex SHA-256 of the content. */
  id: string;
  size: number;
}

export type BlobInput = Uint8Array | AsyncIterable<Uint8Array>;

export interface BlobDeleteOptions {
  /** The transaction the caller is in (SQLite has one connection: a statement outside it would wait for it forever). */
  tx?: Repositories;
}

export interface BlobStore {
  /** Stores durably; when this resolves the bytes survive a crash. Storing the same bytes twice is cheap. */
  put(data: BlobInput): Promise<BlobRef>;
  /** Whole content; NOT_FOUND when absent. */
  get(id: string): Promise<Buffer>;
  /** Streams bytes [start, end) (end exclusive; whole blob by default); NOT_FOUND when absent. */
  stream(id: string, range?: { start?: number; end?: number }): Promise<Readable>;
  has(id: string): Promise<boolean>;
  /** Several whole contents at once (absent ids are left out); stores without a faster path leave it to get(). */
  getMany?(ids: readonly string[]): Promise<Map<string, Buffer>>;
  /** Removes a blob; true when it existed. Callers make sure no message still references it. */
  delete(id: string, options?: BlobDeleteOptions): Promise<boolean>;
  /**
   * Bodies of at most this many bytes may, instead of put(), be written by the caller inside its
   * own transaction with `tx.blobRows.insert` (id = SHA-256 of the bytes): durable with that
   * commit, and readable here afterwards. Absent when this store keeps no bodies as rows.
   */
  readonly inlineLimit?: number;
}

const BLOB_ID = /^[0-9a-f]{64}$/;

/** Blob ids become file names and keys: only well-formed hashes may pass. */
export function isBlobId(id: string): boolean {
  return BLOB_ID.test(id);
}

export async function* toChunks(data: BlobInput): AsyncIterable<Uint8Array> {
  if (data instanceof Uint8Array) {
    yield data;
    return;
  }
  yield* data;
}
