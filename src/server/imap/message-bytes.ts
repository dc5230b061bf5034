// One message as FETCH reads it: its bytes (whole when small, by range when large), its cached MIME structure and renderings, and what a batch preloads for it.
import type { Readable } from 'node:stream';
import type { MessageFetchRow } from '../../mailbox/index.js';
import type { Envelope, MIMEPart } from '../../mailbox/mime/index.js';
import { bodyStructureToIMAP, envelopeToIMAP } from '../../mailbox/mime/index.js';
import type { FetchItem } from '../../proto/imap/commands/fetch-items.js';
import type { ByteRange } from './fetch-body.js';
import type { Segment } from './fetch-writer.js';
import type { IMAPCommandContext } from './imap-context.js';
import type { RenderedItem, StructureCache } from './structure-cache.js';

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
    readonly row: MessageFetchRow,
    preloaded: { body?: Buffer | undefined; structure?: string | undefined; rendered: Partial<Record<RenderedItem, string>> },
  ) {
    if (preloaded.body) this.#whole = Promise.resolve(preloaded.body);
    this.#structureJSON = preloaded.structure;
    this.#rendered = preloaded.rendered;
  }

  readonly #rendered: Partial<Record<RenderedItem, string>>;

  readonly #structureJSON: string | undefined;

  /** The cached MIME structure; the batch loaded it for every message whose items need it (see needsStructure). */
  get structure(): StoredStructure {
    if (this.#structureJSON === undefined) throw new Error(`imap fetch: structure of UID ${this.row.uid} was not loaded`);
    this.#structure ??= JSON.parse(this.#structureJSON) as StoredStructure;
    return this.#structure;
  }

  /** ENVELOPE, BODYSTRUCTURE or BODY as IMAP text, from the cache when this body was rendered before. */
  rendered(item: RenderedItem): string {
    const cached = this.#rendered[item];
    if (cached !== undefined) return cached;
    const { root, envelope } = this.structure;
    const text = item === 'envelope' ? envelopeToIMAP(envelope) : bodyStructureToIMAP(root, { extensible: item === 'bodystructure' });
    this.context.deps.structureCache.set(this.row.blob_id, item, text);
    return text;
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

const RENDERED_ITEM: Partial<Record<FetchItem['kind'], RenderedItem>> = { envelope: 'envelope', bodystructure: 'bodystructure', 'body-plain': 'body' };

/**
 * What answering these items for this message needs: the renderings already cached (taken now, so
 * an eviction later in the batch cannot take them away) and whether the MIME structure must be read.
 */
export function prepareMessage(cache: StructureCache, items: readonly FetchItem[], blobId: string): { rendered: Partial<Record<RenderedItem, string>>; needsStructure: boolean } {
  const rendered: Partial<Record<RenderedItem, string>> = {};
  let needsStructure = false;
  for (const item of items) {
    const renderedItem = RENDERED_ITEM[item.kind];
    if (renderedItem) {
      const cached = cache.get(blobId, renderedItem);
      if (cached === undefined) needsStructure = true;
      else rendered[renderedItem] = cached;
    } else if (item.kind === 'body') needsStructure ||= item.section.kind !== 'full';
    else if (item.kind === 'binary' || item.kind === 'binary-size') needsStructure ||= item.part !== '';
  }
  return { rendered, needsStructure };
}

/** A section's bytes: a buffer, or a stream slot when it is large and can be sent as stored. */
export async function sectionSegment(message: MessageBytes, range: ByteRange): Promise<Segment> {
  const length = range.end - range.start;
  if (length > STREAM_THRESHOLD && !message.small) return { stream: await message.stream(range), length };
  return message.read(range);
}
