// One message as FETCH reads it: its bytes (whole when small, by range when large), its stored MIME structure and IMAP renderings, and what a batch preloads for it.
import type { Readable } from 'node:stream';
import type { MessageFetchRow, RenderedFetchRow, RenderingColumn, RenderingRow } from '../../mailbox/index.js';
import type { Envelope, IMAPRenderings, MIMEPart } from '../../mailbox/mime/index.js';
import { imapRenderings } from '../../mailbox/mime/index.js';
import type { FetchItem } from '../../proto/imap/commands/fetch-items.js';
import type { ByteRange } from './fetch-body.js';
import type { Segment } from './fetch-writer.js';
import type { IMAPCommandContext } from './imap-context.js';

/** A whole message up to this size is read once and sliced for every section asked of it. */
const WHOLE_BODY_LIMIT = 1024 * 1024;
/** A section larger than this is streamed from the blob store straight to the socket, never held whole. */
const STREAM_THRESHOLD = 256 * 1024;
/** Bodies read together for a batch: only small ones, and a few megabytes in all. */
const PREFETCH_MAX_BODY = 128 * 1024;
const PREFETCH_BYTES = 8 * 1024 * 1024;

interface StoredStructure {
  root: MIMEPart;
  envelope: Envelope;
}

/** One message's bytes, read lazily: whole when small, by range when large. */
export class MessageBytes {
  #whole: Promise<Buffer> | undefined;
  #structure: StoredStructure | undefined;

  constructor(
    private readonly context: IMAPCommandContext,
    readonly row: RenderedFetchRow,
    preloaded: { body?: Buffer | undefined; structure?: string | undefined },
  ) {
    if (preloaded.body) this.#whole = Promise.resolve(preloaded.body);
    this.#structureJSON = preloaded.structure;
  }

  readonly #structureJSON: string | undefined;

  /** The stored MIME structure; the batch loaded it for every message whose items need it (see fetchNeeds). */
  get structure(): StoredStructure {
    if (this.#structureJSON === undefined) throw new Error(`imap fetch: structure of UID ${this.row.uid} was not loaded`);
    this.#structure ??= JSON.parse(this.#structureJSON) as StoredStructure;
    return this.#structure;
  }

  /** ENVELOPE, BODYSTRUCTURE or BODY as IMAP text, as stored with the body (the batch rendered any that were missing). */
  rendered(item: RenderingColumn): string {
    return this.row[item] ?? imapRenderings(this.structure)[item];
  }

  get small(): boolean {
    return this.row.size <= WHOLE_BODY_LIMIT;
  }

  async read(range: ByteRange): Promise<Buffer> {
    if (range.end <= range.start) return Buffer.alloc(0);
    if (this.small) {
      this.#whole ??= this.context.deps.mailboxes.body(this.row.blob_id);
      return (await this.#whole).subarray(range.start, range.end);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(range)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  stream(range: ByteRange): Promise<Readable> {
    return this.context.deps.mailboxes.bodyStream(this.row.blob_id, range);
  }
}

/** Small bodies read together for a batch, up to PREFETCH_BYTES in all; the rest are read one message at a time. */
export function prefetchable(rows: readonly MessageFetchRow[]): string[] {
  const ids: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (row.size > PREFETCH_MAX_BODY || bytes + row.size > PREFETCH_BYTES) continue;
    ids.push(row.blob_id);
    bytes += row.size;
  }
  return ids;
}

const RENDERED_ITEM: Partial<Record<FetchItem['kind'], RenderingColumn>> = { envelope: 'envelope', bodystructure: 'bodystructure', 'body-plain': 'body' };

/**
 * What answering these items reads besides the message row: the stored renderings (read with the
 * rows, in the same query) and whether the MIME structure is needed (body sections, BINARY parts).
 */
export function fetchNeeds(items: readonly FetchItem[]): { renderings: RenderingColumn[]; structure: boolean } {
  const renderings = new Set<RenderingColumn>();
  let structure = false;
  for (const item of items) {
    const rendering = RENDERED_ITEM[item.kind];
    if (rendering) renderings.add(rendering);
    else if (item.kind === 'body') structure ||= item.section.kind !== 'full';
    else if (item.kind === 'binary' || item.kind === 'binary-size') structure ||= item.part !== '';
  }
  return { renderings: [...renderings], structure };
}

/**
 * Renders, from the stored structure, what `rows` lack of `renderings` (messages stored before
 * renderings were kept), puts it on the rows and stores it, so the next FETCH finds it. Rows whose
 * structure is missing (expunged meanwhile) are left as they are. A failed write costs only the
 * rendering again next time: it is logged, never the FETCH's failure.
 */
export async function fillRenderings(context: IMAPCommandContext, mailboxId: number, rows: readonly RenderedFetchRow[], renderings: readonly RenderingColumn[], structures: ReadonlyMap<number, string>): Promise<void> {
  // Copies of one body share a structure: rendered once.
  const byBody = new Map<string, IMAPRenderings>();
  const made: RenderingRow[] = [];
  for (const row of rows) {
    if (!renderings.some((c) => row[c] === null || row[c] === undefined)) continue;
    const structure = structures.get(row.uid);
    if (structure === undefined) continue;
    let rendered = byBody.get(row.blob_id);
    if (!rendered) {
      rendered = imapRenderings(JSON.parse(structure) as StoredStructure);
      byBody.set(row.blob_id, rendered);
    }
    Object.assign(row, rendered);
    made.push({ mailbox_id: mailboxId, uid: row.uid, ...rendered });
  }
  if (made.length === 0) return;
  try {
    // A message expunged since its row was read may leave a row here: harmless, as a UID is never
    // given again in a mailbox, and it goes with the mailbox.
    await context.deps.mailboxes.saveRenderings(made);
  } catch (error) {
    context.deps.logger.warn({ err: error }, 'imap fetch: could not store renderings');
  }
}

/** UIDs of the rows that lack one of `renderings`. */
export function unrendered(rows: readonly RenderedFetchRow[], renderings: readonly RenderingColumn[]): number[] {
  if (renderings.length === 0) return [];
  return rows.filter((row) => renderings.some((c) => row[c] === null || row[c] === undefined)).map((row) => row.uid);
}

/** A section's bytes: a buffer, or a stream slot when it is large and can be sent as stored. */
export async function sectionSegment(message: MessageBytes, range: ByteRange): Promise<Segment> {
  const length = range.end - range.start;
  if (length > STREAM_THRESHOLD && !message.small) return { stream: await message.stream(range), length };
  return message.read(range);
}
