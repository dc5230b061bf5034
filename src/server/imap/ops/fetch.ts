// FETCH and UID FETCH (RFC 3501 §6.4.5, RFC 9051 §6.4.5, BINARY of RFC 3516, CHANGEDSINCE/VANISHED of RFC 7162): message data, bodies streamed from the blob store.
import type { Readable } from 'node:stream';
import type { MessageFetchRow } from '../../../mailbox/index.js';
import type { MIMEPart } from '../../../mailbox/mime/index.js';
import { bodyStructureToIMAP, decodeTransferEncoding, envelopeToIMAP, UnknownTransferEncodingError } from '../../../mailbox/mime/index.js';
import type { Envelope } from '../../../mailbox/mime/index.js';
import { FetchResponseBuilder, untaggedData } from '../../../proto/imap/imap-response.js';
import type { FetchRequest } from '../../../proto/imap/commands/fetch.js';
import type { FetchItem } from '../../../proto/imap/commands/fetch-items.js';
import * as grammar from '../../../proto/imap/commands/fetch.js';
import { flagNames } from '../flag-names.js';
import { applyPartial, binaryPart, filterHeaderFields, partialOf, sectionRange } from '../fetch-body.js';
import type { ByteRange } from '../fetch-body.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';
import { resolveMessageSet, uidInSet } from '../message-set.js';
import type { RenderedItem } from '../structure-cache.js';
import type { StructureCache } from '../structure-cache.js';
import type { SelectedMailbox } from '../selected-mailbox.js';

/** Messages read from the store per round trip; responses of one batch go out in one write. */
const BATCH = 500;
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
class MessageBytes {
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
function prefetchable(rows: readonly MessageFetchRow[]): string[] {
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
function prepareMessage(cache: StructureCache, items: readonly FetchItem[], blobId: string): { rendered: Partial<Record<RenderedItem, string>>; needsStructure: boolean } {
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

/** What a response is made of: written buffers, and ranges streamed in place of a literal's bytes. */
type Segment = Buffer | { stream: () => Promise<Readable>; length: number };

interface FetchPlan {
  request: FetchRequest;
  /** Non-PEEK body items set \Seen (RFC 3501 §6.4.5) unless the mailbox is read-only. */
  setsSeen: boolean;
  wantsFlags: boolean;
  wantsModseq: boolean;
  /** Whether any item reads message bytes (then a batch's small bodies are read in one go). */
  readsBodies: boolean;
}

function plan(context: IMAPCommandContext, request: FetchRequest): FetchPlan {
  const { session } = context;
  const items = [...request.items];
  if (request.changedSince !== undefined || items.some((i) => i.kind === 'modseq')) session.condstore = true;
  // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ; RFC 3501 §6.4.8: UID FETCH always returns UID.
  if (request.changedSince !== undefined && !items.some((i) => i.kind === 'modseq')) items.push({ kind: 'modseq' });
  if (request.uid && !items.some((i) => i.kind === 'uid')) items.unshift({ kind: 'uid' });
  const setsSeen = !session.selected!.readOnly && items.some((i) => (i.kind === 'body' || i.kind === 'binary') && !i.peek);
  return {
    request: { ...request, items },
    setsSeen,
    wantsFlags: items.some((i) => i.kind === 'flags'),
    wantsModseq: items.some((i) => i.kind === 'modseq'),
    readsBodies: items.some((i) => i.kind === 'body' || i.kind === 'binary' || i.kind === 'binary-size'),
  };
}

/** A section's bytes: a buffer, or a stream slot when it is large and can be sent as stored. */
async function sectionSegment(message: MessageBytes, range: ByteRange): Promise<Buffer | { stream: () => Promise<Readable>; length: number }> {
  const length = range.end - range.start;
  if (length > STREAM_THRESHOLD && !message.small) return { stream: () => message.stream(range), length };
  return message.read(range);
}

async function addBody(builder: FetchResponseBuilder, slots: Segment[], message: MessageBytes, item: Extract<FetchItem, { kind: 'body' }>): Promise<void> {
  // The whole message needs no structure: no JSON is parsed for a plain BODY[] or RFC822.
  const range = item.section.kind === 'full' ? { start: 0, end: message.row.size } : sectionRange(message.structure.root, item.section, message.row.size);
  if (!range) {
    builder.body(item.name, null);
    return;
  }
  if (item.section.kind === 'fields') {
    const header = filterHeaderFields(await message.read(range), item.section.names, { not: item.section.not });
    builder.body(item.name, partialOf(header, item.partial));
    return;
  }
  const segment = await sectionSegment(message, applyPartial(range, item.partial));
  if (Buffer.isBuffer(segment)) builder.body(item.name, segment);
  else {
    builder.literalSlot(item.name, segment.length);
    slots.push(segment);
  }
}

/** BINARY[part] / BINARY.SIZE[part]: the part with its transfer encoding undone. */
async function binaryContent(message: MessageBytes, part: string): Promise<Buffer | null> {
  const target = binaryPart(message.structure.root, part, message.row.size);
  if (!target) return null;
  return decodeTransferEncoding(await message.read(target.range), target.encoding);
}

/** Adds one item; returns a promise only for the items that read message bytes. */
function addItem(context: IMAPCommandContext, view: SelectedMailbox, builder: FetchResponseBuilder, slots: Segment[], message: MessageBytes, item: FetchItem): Promise<void> | undefined {
  const { row } = message;
  switch (item.kind) {
    case 'uid':
      builder.uid(row.uid);
      return;
    case 'flags':
      builder.flags(flagNames(row, { recent: view.isRecent(row.uid) && !context.session.enabled.has('IMAP4REV2') }));
      return;
    case 'internaldate':
      builder.internalDate(row.internal_date);
      return;
    case 'size':
      builder.rfc822Size(row.size);
      return;
    case 'modseq':
      builder.modseq(row.modseq);
      return;
    case 'envelope':
      builder.item('ENVELOPE', { serialized: message.rendered('envelope') });
      return;
    case 'bodystructure':
      builder.item('BODYSTRUCTURE', { serialized: message.rendered('bodystructure') });
      return;
    case 'body-plain':
      builder.item('BODY', { serialized: message.rendered('body') });
      return;
    case 'body':
      return addBody(builder, slots, message, item);
    case 'binary':
      return addBinary(builder, message, item);
    case 'binary-size':
      return addBinarySize(builder, message, item);
  }
  return undefined;
}

async function addBinary(builder: FetchResponseBuilder, message: MessageBytes, item: Extract<FetchItem, { kind: 'binary' }>): Promise<void> {
  const content = await binaryContent(message, item.part);
  if (content === null) {
    builder.item(item.name, null);
    return;
  }
  const bytes = partialOf(content, item.partial);
  // RFC 3516 §4.2: content that holds NUL can only go as a literal8.
  builder.item(item.name, bytes.includes(0) ? { literal8: bytes } : { literal: bytes });
}

async function addBinarySize(builder: FetchResponseBuilder, message: MessageBytes, item: Extract<FetchItem, { kind: 'binary-size' }>): Promise<void> {
  const content = await binaryContent(message, item.part);
  builder.item(item.name, content === null ? 0 : content.length);
}

/** Responses are handed to the socket in groups of about this size (one writev each): one write per message would cost more than the message. */
const WRITE_CHUNK = 256 * 1024;
/** Response text (and small bodies) go straight into buffers of this size, a new one when one is full. */
const CHUNK = 64 * 1024;
/** A body up to this size is copied into the current chunk; a larger one is handed over as it is. */
const COPY_LIMIT = 16 * 1024;

/**
 * Sends responses as they are built: buffers in groups of about WRITE_CHUNK, stream slots piped with
 * back-pressure and checked for length. Nothing waits for a whole batch, so a FETCH of many large
 * messages holds about one message and one group in memory, not the batch.
 *
 * Text is encoded into the current chunk as each piece arrives, and small bodies are copied after
 * it. Gathering a group's text into one string first (thousands of concatenations) and encoding
 * that cost a quarter of the event loop in a metadata FETCH of 10,000 messages, mostly in
 * flattening the string, and as much again in garbage collection. What is handed to the socket is
 * a view of the chunk up to where it was filled; later writes only go past that point.
 */
class FetchWriter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #chunk: Buffer | undefined;
  /** The chunk's bytes from #start to #used are filled and not yet handed over. */
  #start = 0;
  #used = 0;

  constructor(private readonly context: IMAPCommandContext) {}

  /** Queues a part; returns a promise only when it had to write (so most parts cost no await). */
  push(segment: Segment | string): Promise<void> | undefined {
    if (typeof segment === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: a piece that may not fit goes to a new chunk.
      const worst = segment.length * 3;
      if (worst > CHUNK) {
        this.#takeFilled();
        this.#append(Buffer.from(segment, 'utf8'));
        return this.#flushIfFull();
      }
      const chunk = this.#room(worst);
      this.#used += chunk.write(segment, this.#used, 'utf8');
      return this.#flushIfFull();
    }
    if (Buffer.isBuffer(segment)) {
      if (segment.length <= COPY_LIMIT) {
        segment.copy(this.#room(segment.length), this.#used);
        this.#used += segment.length;
      } else {
        this.#takeFilled();
        this.#append(segment);
      }
      return this.#flushIfFull();
    }
    return this.#stream(segment);
  }

  /** The current chunk with at least `bytes` free after #used; a full one is handed over and replaced. */
  #room(bytes: number): Buffer {
    if (this.#chunk !== undefined && this.#chunk.length - this.#used >= bytes) return this.#chunk;
    this.#takeFilled();
    this.#chunk = Buffer.allocUnsafe(CHUNK);
    this.#start = 0;
    this.#used = 0;
    return this.#chunk;
  }

  #append(bytes: Buffer): void {
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
  }

  #flushIfFull(): Promise<void> | undefined {
    return this.#pendingBytes + this.#used - this.#start >= WRITE_CHUNK ? this.flush() : undefined;
  }

  /** Hands over what the chunk holds so far (the socket keeps that view until written); filling goes on after it. */
  #takeFilled(): void {
    if (this.#chunk === undefined || this.#used === this.#start) return;
    this.#append(this.#chunk.subarray(this.#start, this.#used));
    this.#start = this.#used;
  }

  async #stream(segment: Exclude<Segment, Buffer>): Promise<void> {
    await this.flush();
    let sent = 0;
    for await (const chunk of await segment.stream()) {
      const bytes = (chunk as Buffer).subarray(0, segment.length - sent);
      if (bytes.length === 0) break;
      sent += bytes.length;
      await this.context.write(bytes);
    }
    if (sent < segment.length) {
      // The literal's length is already on the wire: a short blob must still fill it, or every
      // later byte would be read as protocol. Logged as the storage fault it is.
      this.context.deps.logger.error({ connection: this.context.session.id, missing: segment.length - sent }, 'imap fetch: stored message shorter than its size');
      await this.context.write(Buffer.alloc(segment.length - sent, 0x20));
    }
  }

  async flush(): Promise<void> {
    this.#takeFilled();
    if (this.#pending.length === 0) return;
    const data = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    await this.context.write(data);
  }
}

async function fetch(context: IMAPCommandContext, asked: FetchRequest): Promise<CommandResult> {
  const view = context.session.selected!;
  const fetchPlan = plan(context, asked);
  const { request } = fetchPlan;
  const uidCommand = request.uid;
  const { set } = request;
  const uids = resolveMessageSet(view, set, { uid: uidCommand });
  if (request.vanished && request.changedSince !== undefined) {
    const expunged = await context.deps.mailboxes.expungedSince(view.mailbox.id, request.changedSince);
    const vanished = expunged.filter((uid) => uidInSet(uid, set) && view.seqOf(uid) === undefined);
    if (vanished.length > 0) await context.write(untaggedData([{ atom: 'VANISHED' }, { list: [{ atom: 'EARLIER' }] }, { atom: formatUids(vanished) }]));
  }
  let missing = 0;
  const writer = new FetchWriter(context);
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH);
    const rows = await context.deps.mailboxes.fetchRows(view.mailbox.id, batch);
    missing += batch.length - rows.length;
    const seenNow = new Set<number>();
    if (fetchPlan.setsSeen) {
      const unseen = rows.filter((r) => r.seen === 0 && !view.isExpungedElsewhere(r.uid)).map((r) => r.uid);
      if (unseen.length > 0) {
        const result = await context.deps.mailboxes.storeFlags(view.mailbox.id, unseen, { mode: 'add', flags: { seen: true } });
        view.markOwn(result.modseq);
        const changed = new Map(result.messages.map((m) => [m.uid, m]));
        for (const row of rows) {
          const next = changed.get(row.uid);
          if (next && next.seen === 1 && row.seen === 0) {
            row.seen = 1;
            row.modseq = next.modseq;
            seenNow.add(row.uid);
          }
        }
      }
    }
    const prepared = rows.map((r) => prepareMessage(context.deps.structureCache, request.items, r.blob_id));
    const structureUids = rows.filter((_, n) => prepared[n]!.needsStructure).map((r) => r.uid);
    const structures = structureUids.length > 0 ? await context.deps.mailboxes.structures(view.mailbox.id, structureUids) : undefined;
    const bodies = fetchPlan.readsBodies ? await context.deps.mailboxes.bodies(prefetchable(rows)) : undefined;
    for (const [n, row] of rows.entries()) {
      if (request.changedSince !== undefined && row.modseq <= request.changedSince) continue;
      const seq = view.seqOf(row.uid);
      if (seq === undefined) continue;
      const message = new MessageBytes(context, row, { body: bodies?.get(row.blob_id), structure: structures?.get(row.uid), rendered: prepared[n]!.rendered });
      const builder = new FetchResponseBuilder(seq, { utf8Accept: context.utf8 });
      const slots: Segment[] = [];
      for (const item of request.items) {
        // Only items that read message bytes wait; the rest of a 10,000-message FETCH runs without a microtask per item.
        const pending = addItem(context, view, builder, slots, message, item);
        if (pending) await pending;
      }
      // RFC 3501 §6.4.5: a \Seen set by this FETCH is reported with the data.
      if (seenNow.has(row.uid) && !fetchPlan.wantsFlags) {
        addItem(context, view, builder, slots, message, { kind: 'flags' });
        if (context.session.condstore && !fetchPlan.wantsModseq) builder.modseq(row.modseq);
      }
      let slot = 0;
      for (const part of builder.toParts()) {
        const written = writer.push(typeof part === 'string' || Buffer.isBuffer(part) ? part : slots[slot++]!);
        if (written) await written;
      }
    }
  }
  await writer.flush();
  // A message expunged by another session keeps its number until we may say EXPUNGE; its data is gone (RFC 5530).
  // UID FETCH ignores a UID that no longer exists (RFC 3501 §6.4.8) and its EXPUNGE follows: a NO there
  // would fail a client's `UID FETCH 1:*` whenever another session expunged.
  if (missing > 0 && !uidCommand) return { status: 'NO', code: { name: 'EXPUNGEISSUED' }, text: 'Some of the requested messages no longer exist' };
  return { text: `${request.name} completed` };
}

async function runFetch(context: IMAPCommandContext, request: FetchRequest): Promise<CommandResult> {
  try {
    return await fetch(context, request);
  } catch (error) {
    if (error instanceof UnknownTransferEncodingError) return { status: 'NO', code: { name: 'UNKNOWN-CTE' }, text: error.message };
    throw error;
  }
}

export const FETCH: IMAPOp<FetchRequest> = { grammar: grammar.FETCH, states: SELECTED, allowExpungeUpdates: false, run: runFetch };

export const UID_FETCH: IMAPOp<FetchRequest> = {
  grammar: grammar.UID_FETCH,
  states: SELECTED,
  // RFC 3501 §7.4.1: EXPUNGE may follow a UID command (the client does not rely on numbers there).
  allowExpungeUpdates: true,
  run: runFetch,
};
