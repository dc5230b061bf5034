// FETCH and UID FETCH (RFC 3501 §6.4.5, RFC 9051 §6.4.5, BINARY of RFC 3516, CHANGEDSINCE/VANISHED of RFC 7162): message data, bodies streamed from the blob store.
import { FetchResponseBuilder, untaggedData } from '../../../proto/imap/imap-response.js';
import type { FetchRequest } from '../../../proto/imap/commands/fetch.js';
import type { FetchItem } from '../../../proto/imap/commands/fetch-items.js';
import * as grammar from '../../../proto/imap/commands/fetch.js';
import { formatUids } from '../../../proto/imap/sequence-set.js';
import { flagNames } from '../flag-names.js';
import { enableCondstore } from '../condstore.js';
import { expungedMeanwhile } from '../expunged-meanwhile.js';
import { applyPartial, binaryPart, filterHeaderFields, partialOf, sectionRange } from '../fetch-body.js';
import { decodeTransferEncoding, UnknownTransferEncodingError } from '../../../mailbox/mime/index.js';
import type { Segment } from '../fetch-writer.js';
import { FetchWriter } from '../fetch-writer.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { SELECTED } from '../imap-context.js';
import { keywordUpdate } from '../mailbox-flags.js';
import { fetchNeeds, fillRenderings, MessageBytes, prefetchable, sectionSegment, unrendered } from '../message-bytes.js';
import { resolveMessageSet, uidInSet } from '../message-set.js';
import type { SelectedMailbox } from '../selected-mailbox.js';

/** Messages read from the store per round trip; responses of one batch go out in one write. */
const BATCH = 500;

interface FetchPlan {
  request: FetchRequest;
  /** Non-PEEK body items set \Seen (RFC 3501 §6.4.5) unless the mailbox is read-only. */
  setsSeen: boolean;
  wantsFlags: boolean;
  wantsModseq: boolean;
  /** Whether any item reads message bytes (then a batch's small bodies are read in one go). */
  readsBodies: boolean;
  /** Stored renderings read with the rows, and whether the items need the MIME structure. */
  needs: ReturnType<typeof fetchNeeds>;
}

function plan(context: IMAPCommandContext, request: FetchRequest): FetchPlan {
  const { session } = context;
  const items = [...request.items];
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
    needs: fetchNeeds(items),
  };
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
  const target = binaryPart(() => message.structure.root, part, message.row.size);
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
      builder.rendered('ENVELOPE', message.rendered('envelope'));
      return;
    case 'bodystructure':
      builder.rendered('BODYSTRUCTURE', message.rendered('bodystructure'));
      return;
    case 'body-plain':
      builder.rendered('BODY', message.rendered('body'));
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

interface MessageResponse {
  builder: FetchResponseBuilder;
  /** Large sections, opened as streams, in the order of the builder's literal slots. */
  slots: Segment[];
}

/**
 * One message's response; undefined when its body is gone because another session expunged it
 * after its row was read (it is then left out, as if it had not been found). A promise only when
 * an item reads message bytes: a 10,000-message metadata FETCH runs without a microtask per message.
 */
function messageResponse(context: IMAPCommandContext, fetchPlan: FetchPlan, message: MessageBytes, options: { seq: number; seenNow: boolean }): MessageResponse | Promise<MessageResponse | undefined> {
  const response: MessageResponse = { builder: new FetchResponseBuilder(options.seq, { utf8Accept: context.utf8 }), slots: [] };
  const { items } = fetchPlan.request;
  for (let k = 0; k < items.length; k++) {
    const pending = addItem(context, context.session.selected!, response.builder, response.slots, message, items[k]!);
    if (pending) return readingResponse(context, fetchPlan, message, options, response, { pending, next: k + 1 });
  }
  return completed(context, fetchPlan, message, options, response);
}

/** The rest of a response from the first item that reads message bytes on. */
async function readingResponse(
  context: IMAPCommandContext,
  fetchPlan: FetchPlan,
  message: MessageBytes,
  options: { seq: number; seenNow: boolean },
  response: MessageResponse,
  from: { pending: Promise<void>; next: number },
): Promise<MessageResponse | undefined> {
  const { items } = fetchPlan.request;
  try {
    await from.pending;
    for (let k = from.next; k < items.length; k++) {
      const pending = addItem(context, context.session.selected!, response.builder, response.slots, message, items[k]!);
      if (pending) await pending;
    }
  } catch (error) {
    for (const slot of response.slots) if (!Buffer.isBuffer(slot)) slot.stream.destroy();
    if (await expungedMeanwhile(context, message.row.uid, error)) return undefined;
    throw error;
  }
  return completed(context, fetchPlan, message, options, response);
}

/** RFC 3501 §6.4.5: a \Seen set by this FETCH is reported with the data. */
function completed(context: IMAPCommandContext, fetchPlan: FetchPlan, message: MessageBytes, options: { seenNow: boolean }, response: MessageResponse): MessageResponse {
  if (options.seenNow && !fetchPlan.wantsFlags) {
    addItem(context, context.session.selected!, response.builder, response.slots, message, { kind: 'flags' });
    if (context.session.condstore && !fetchPlan.wantsModseq) response.builder.modseq(message.row.modseq);
  }
  return response;
}

async function fetch(context: IMAPCommandContext, asked: FetchRequest): Promise<CommandResult> {
  const view = context.session.selected!;
  if (asked.changedSince !== undefined || asked.items.some((i) => i.kind === 'modseq')) await enableCondstore(context);
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
    // ENVELOPE, BODYSTRUCTURE and BODY come with the rows, as stored at delivery: no body is read, nothing is rendered.
    const rows = await context.deps.mailboxes.fetchRows(view.mailbox.id, batch, fetchPlan.needs.renderings);
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
    // A body stored before renderings were kept is rendered from its stored structure, once: fillRenderings stores the text.
    const lacking = new Set(unrendered(rows, fetchPlan.needs.renderings));
    const structureUids = fetchPlan.needs.structure ? rows.map((r) => r.uid) : [...lacking];
    const structures = structureUids.length > 0 ? await context.deps.mailboxes.structures(view.mailbox.id, structureUids) : undefined;
    if (structures && lacking.size > 0) await fillRenderings(context, view.mailbox.id, rows, fetchPlan.needs.renderings, structures);
    const bodies = fetchPlan.readsBodies ? await context.deps.mailboxes.bodies(prefetchable(rows)) : undefined;
    for (const row of rows) {
      if (request.changedSince !== undefined && row.modseq <= request.changedSince) continue;
      const seq = view.seqOf(row.uid);
      if (seq === undefined) continue;
      // The structure is read after the rows: one missing there left with its message (expunged by another session meanwhile).
      const structure = structures?.get(row.uid);
      if ((fetchPlan.needs.structure || lacking.has(row.uid)) && structure === undefined) {
        missing++;
        continue;
      }
      const message = new MessageBytes(context, row, { body: bodies?.get(row.blob_id), structure });
      const made = messageResponse(context, fetchPlan, message, { seq, seenNow: seenNow.has(row.uid) });
      const response = made instanceof Promise ? await made : made;
      if (!response) {
        missing++;
        continue;
      }
      // A keyword this session was not told of goes out in FLAGS first (RFC 3501 §7.2.6).
      const announced = fetchPlan.wantsFlags || seenNow.has(row.uid) ? keywordUpdate(view, [row]) : [];
      for (const part of announced) {
        const written = writer.push(part);
        if (written) await written;
      }
      let slot = 0;
      for (const part of response.builder.toParts()) {
        const written = writer.push(typeof part === 'string' || Buffer.isBuffer(part) ? part : response.slots[slot++]!);
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
