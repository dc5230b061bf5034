// Computes a message's MIME tree, envelope and byte ranges once, at delivery, by hand: IMAP needs the byte offsets of every part in the raw message (BODY[section], BODYSTRUCTURE sizes and lines), and mailparser/mailsplit decode and re-emit parts rather than give offsets.
//
// One linear pass over the stored blob that decodes nothing, so IMAP FETCH ENVELOPE, BODYSTRUCTURE
// and BODY[section] never re-parse it. Semantics follow RFC 2045/2046 and, where the RFCs leave
// room, Dovecot.
import { buildEnvelope, type Envelope } from './build-envelope.js';
import { MAX_MIME_DEPTH, MAX_MIME_HEADER_BYTES, MAX_MIME_PARTS, type MIMELimit } from './mime-limits.js';
import { parseContentHeaders, type ContentHeaders } from './parse-content-headers.js';
import { readHeaderBlock, type HeaderField } from './read-header-block.js';

/**
 * One MIME part: its Content-* values (type lower-case, text/plain by default and message/rfc822
 * inside multipart/digest; parameters decoded; the transfer encoding upper-case as IMAP shows it)
 * and byte offsets into the raw message, so BODY[1.2], BODY[1.MIME], BODY[HEADER] and BODY[TEXT]
 * can be streamed from the blob by range.
 */
export interface MIMEPart extends ContentHeaders {
  /**
   * IMAP part number path, '' for the whole message; e.g. '1', '1.2'. The root of a message embedded
   * in a message/rfc822 part carries the prefix of that message's parts — the part's own number, as
   * the top-level root carries '' — so its multipart children are numbered below it. Use
   * findMIMEPart to resolve a section number.
   */
  path: string;
  /** Header block [headerStart, headerEnd), blank line included. */
  headerStart: number;
  headerEnd: number;
  /** Body [bodyStart, bodyEnd); bodyStart === headerEnd. */
  bodyStart: number;
  bodyEnd: number;
  /**
   * Body octets (bodyEnd - bodyStart) as stored. IMAP counts octets of the CRLF form, so these are
   * the IMAP sizes when the blob is stored with CRLF line endings, as delivery should store it.
   */
  size: number;
  /** Body lines (LF count), for text/* and message/rfc822|global; 0 for other types. */
  lines: number;
  /** Multipart children, or [the embedded message's root] for message/rfc822 and message/global. */
  children: MIMEPart[];
  /** For message/rfc822 and message/global parts: the embedded message's envelope. */
  envelope?: Envelope;
  /**
   * Set only on the part where a limit of mime-limits.ts struck: 'depth' for a multipart or
   * message nested too deeply (now opaque), 'parts' for the part past MAX_MIME_PARTS (it runs to
   * the end of the message, every later boundary included).
   */
  cut?: 'depth' | 'parts';
}

export interface MessageStructure {
  root: MIMEPart;
  envelope: Envelope;
  /** Top-level header fields in order: raw name and raw (unfolded) value. */
  headers: HeaderField[];
  /** The limits the message ran into, each once; empty for a message every reader can show whole. */
  limitsHit: MIMELimit[];
  /**
   * Past the part limit: the parts after the cut one that were not split out, counted by the
   * delimiter lines of the multiparts open at the cut (a multipart among them counts as one).
   * 0 when the message is within the limit.
   */
  partsPastLimit: number;
}
/** RFC 2046 §5.1.1 allows 70 characters; longer values are accepted up to a line's length (RFC 5322 §2.1.1). */
const MAX_BOUNDARY_LENGTH = 998;

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const NEWLINE_DASHES = Buffer.from('\n--', 'latin1');
/** message/rfc822 may only be 7bit, 8bit or binary (RFC 2046 §5.2.1); an encoded one cannot be split without decoding. */
const IDENTITY_ENCODINGS = new Set(['7BIT', '8BIT', 'BINARY']);

interface ParseContext {
  raw: Buffer;
  /** Boundaries of the enclosing multiparts, outermost first. */
  boundaries: Buffer[];
  /** 1 at the first byte of every active boundary. */
  firstBytes: Uint8Array;
  partCount: number;
  limitsHit: Set<MIMELimit>;
  /** Where the part limit struck: the boundaries open there and the start of the part cut. */
  cut: { boundaries: Buffer[]; at: number } | null;
}

/** A boundary line found in the input. */
interface BoundaryHit {
  /** Index into ParseContext.boundaries of the multipart it belongs to. */
  index: number;
  /** "--boundary--": the close delimiter. */
  close: boolean;
  /** Where the delimiter starts: the line break before the boundary line (RFC 2046 §5.1.1: it belongs to the boundary). */
  delimiterStart: number;
  /** Offset after the boundary line's LF. */
  next: number;
}

interface ParsedEntity {
  part: MIMEPart;
  fields: HeaderField[];
  /** LF count of the whole entity, header and body: a parent adds these up instead of counting again. */
  entityLines: number;
  /** The boundary that ended this entity, or null at the end of input. */
  hit: BoundaryHit | null;
}

/**
 * Compares in JavaScript rather than with Buffer.compare: most lines that start with "--" differ
 * from a boundary in their first bytes, and a native call per line and boundary costs more than the
 * comparison (a hostile part of "--x" lines inside 20 multiparts would take seconds).
 */
function startsWith(raw: Buffer, start: number, boundary: Buffer): boolean {
  const length = boundary.length;
  if (start + length > raw.length) return false;
  for (let i = 0; i < length; i++) if (raw[start + i] !== boundary[i]) return false;
  return true;
}

/**
 * Matches the line at `lineStart` against the active boundaries. As in Dovecot, a boundary only has
 * to be a prefix of the line (RFC 2046 forbids it as a prefix of any body line), the longest match
 * wins, and of equal ones the innermost (RFC 2046 §5.1.2: an inner multipart may reuse a boundary).
 */
function matchBoundaryLine(ctx: ParseContext, lineStart: number, delimiterStart: number): BoundaryHit | null {
  const { raw, boundaries } = ctx;
  if (raw[lineStart] !== DASH || raw[lineStart + 1] !== DASH || ctx.partCount > MAX_MIME_PARTS) return null;
  const start = lineStart + 2;
  // Most "--" lines (signatures, separators, base64 never) start differently from every boundary.
  if (ctx.firstBytes[raw[start] as number] !== 1) return null;
  let index = -1;
  let length = -1;
  for (let k = boundaries.length - 1; k >= 0; k--) {
    const boundary = boundaries[k] as Buffer;
    if (boundary.length > length && startsWith(raw, start, boundary)) {
      index = k;
      length = boundary.length;
    }
  }
  if (index === -1) return null;
  const after = start + length;
  const lf = raw.indexOf(LF, after);
  return {
    index,
    close: raw[after] === DASH && raw[after + 1] === DASH,
    delimiterStart,
    next: lf === -1 ? raw.length : lf + 1,
  };
}

/** Finds the next boundary line at or after `from` (a line start), jumping between "\n--" with Buffer.indexOf. */
function findBoundary(ctx: ParseContext, from: number): BoundaryHit | null {
  const { raw } = ctx;
  if (ctx.boundaries.length === 0 || from >= raw.length) return null;
  const first = matchBoundaryLine(ctx, from, from);
  if (first !== null) return first;
  let pos = from;
  for (;;) {
    const newline = raw.indexOf(NEWLINE_DASHES, pos);
    if (newline === -1) return null;
    const delimiterStart = newline > from && raw[newline - 1] === CR ? newline - 1 : newline;
    const hit = matchBoundaryLine(ctx, newline + 1, delimiterStart);
    if (hit !== null) return hit;
    pos = newline + 1;
  }
}

function setBoundaries(ctx: ParseContext, boundaries: Buffer[]): void {
  ctx.boundaries = boundaries;
  ctx.firstBytes.fill(0);
  for (const boundary of boundaries) ctx.firstBytes[boundary[0] as number] = 1;
}

function countLines(raw: Buffer, start: number, end: number): number {
  const body = raw.subarray(start, end);
  let lines = 0;
  for (let i = body.indexOf(LF); i !== -1; i = body.indexOf(LF, i + 1)) lines++;
  return lines;
}

function childPath(path: string, n: number): string {
  return path === '' ? String(n) : `${path}.${n}`;
}

/** A zero-length text/plain part: the body IMAP requires of a multipart without parts, and the root of an empty embedded message. */
function emptyPart(path: string, at: number): MIMEPart {
  return {
    path,
    headerStart: at,
    headerEnd: at,
    bodyStart: at,
    bodyEnd: at,
    type: 'text',
    subtype: 'plain',
    params: {},
    id: null,
    description: null,
    encoding: '7BIT',
    size: 0,
    lines: 0,
    md5: null,
    disposition: null,
    language: null,
    location: null,
    children: [],
  };
}

const EMPTY_FIELDS: HeaderField[] = [];

type BodyKind = 'multipart' | 'message' | 'leaf';

/** Decides how to read the body; a multipart or message that cannot be split becomes application/octet-stream. */
function bodyKind(ctx: ParseContext, part: MIMEPart, depth: number): BodyKind {
  const { type, subtype } = part;
  const isMessage = type === 'message' && (subtype === 'rfc822' || subtype === 'global');
  if (type !== 'multipart' && !isMessage) return 'leaf';
  const boundary = part.params.boundary;
  if (depth >= MAX_MIME_DEPTH && part.cut === undefined) {
    part.cut = 'depth';
    ctx.limitsHit.add('depth');
  }
  const splittable =
    part.cut === undefined &&
    (isMessage
      ? IDENTITY_ENCODINGS.has(part.encoding)
      : boundary !== undefined && boundary.length > 0 && boundary.length <= MAX_BOUNDARY_LENGTH && !/[\r\n]/.test(boundary));
  if (splittable) return isMessage ? 'message' : 'multipart';
  // Opaque: clients get a part they can download instead of a structure that lies about its children.
  part.type = 'application';
  part.subtype = 'octet-stream';
  return 'leaf';
}

interface EntityPosition {
  depth: number;
  path: string;
  /** The entity is the root of a message (the top level or inside message/rfc822), not a part of a multipart. */
  messageRoot: boolean;
  defaultType: 'text/plain' | 'message/rfc822';
}

/** Parses one entity (header and body) starting at `start`; iterative over siblings, recursive only in depth. */
function parseEntity(ctx: ParseContext, start: number, position: EntityPosition): ParsedEntity {
  const { depth, path, defaultType } = position;
  const { raw } = ctx;
  ctx.partCount++;
  const block = readHeaderBlock(raw, start, {
    isBoundaryLine: ctx.boundaries.length > 0 ? (lineStart) => matchBoundaryLine(ctx, lineStart, lineStart) !== null : undefined,
  });
  if (block.end - start > MAX_MIME_HEADER_BYTES) ctx.limitsHit.add('header');
  const content = parseContentHeaders(block.fields, { defaultType });
  const part: MIMEPart = {
    path,
    headerStart: start,
    headerEnd: block.end,
    bodyStart: block.end,
    bodyEnd: block.end,
    ...content,
    size: 0,
    lines: 0,
    children: [],
  };
  // The one entity past the limit: no boundary is matched from here on (matchBoundaryLine), so it is the last.
  if (ctx.partCount > MAX_MIME_PARTS) {
    part.cut = 'parts';
    ctx.limitsHit.add('parts');
    ctx.cut = { boundaries: ctx.boundaries, at: start };
  }
  const kind = bodyKind(ctx, part, depth);
  // A header cut by a boundary or by the end of input leaves an empty body that ends right here.
  let hit = block.endedBy === 'boundary' ? matchBoundaryLine(ctx, block.boundaryLine, block.end) : null;
  const hasBody = block.endedBy === 'blank-line';
  // RFC 3501 §6.4.5: the parts of a message/rfc822 part are numbered below its part number, and a
  // message root that is not multipart is itself part 1 of its message.
  const innerPath = position.messageRoot ? childPath(path, 1) : path;

  // Line counts are added up from the children, so each byte is counted once however deep the nesting.
  let bodyLines = 0;
  if (kind === 'multipart' && hasBody) {
    const index = ctx.boundaries.length;
    setBoundaries(ctx, [...ctx.boundaries, Buffer.from(part.params.boundary as string, 'utf8')]);
    const childDefault = part.subtype === 'digest' ? 'message/rfc822' : 'text/plain';
    let counted = part.bodyStart;
    hit = findBoundary(ctx, part.bodyStart);
    while (hit !== null && hit.index === index && !hit.close) {
      const child = parseEntity(ctx, hit.next, { depth: depth + 1, path: childPath(path, part.children.length + 1), messageRoot: false, defaultType: childDefault });
      part.children.push(child.part);
      bodyLines += countLines(raw, counted, child.part.headerStart) + child.entityLines;
      counted = child.part.bodyEnd;
      hit = child.hit;
    }
    setBoundaries(ctx, ctx.boundaries.slice(0, index));
    // After our close delimiter comes the epilogue, which runs to an enclosing boundary or the end.
    if (hit !== null && hit.index === index) hit = findBoundary(ctx, hit.next);
    part.bodyEnd = hit === null ? raw.length : hit.delimiterStart;
    bodyLines += countLines(raw, counted, part.bodyEnd);
  } else if (kind === 'message' && hasBody) {
    const inner = parseEntity(ctx, part.bodyStart, { depth: depth + 1, path: innerPath, messageRoot: true, defaultType: 'text/plain' });
    part.children.push(inner.part);
    part.envelope = buildEnvelope(inner.fields);
    part.bodyEnd = inner.part.bodyEnd;
    bodyLines = inner.entityLines;
    hit = inner.hit;
  } else if (hasBody) {
    hit = findBoundary(ctx, part.bodyStart);
    part.bodyEnd = hit === null ? raw.length : Math.max(part.bodyStart, hit.delimiterStart);
    bodyLines = countLines(raw, part.bodyStart, part.bodyEnd);
  }

  if (kind === 'multipart' && part.children.length === 0) {
    // IMAP's body grammar needs at least one part; Dovecot reports an empty text/plain, and so do we.
    part.children.push(emptyPart(childPath(path, 1), part.bodyEnd));
  } else if (kind === 'message' && part.children.length === 0) {
    part.children.push(emptyPart(innerPath, part.bodyEnd));
    part.envelope = buildEnvelope(EMPTY_FIELDS);
  }
  part.size = part.bodyEnd - part.bodyStart;
  if (part.type === 'text' || kind === 'message') part.lines = bodyLines;
  const entityLines = countLines(raw, part.headerStart, part.headerEnd) + bodyLines;
  return { part, fields: block.fields, entityLines, hit };
}

/** Counts the delimiter lines (not close ones) of the multiparts open at the cut, from the cut part on: a linear scan, splitting nothing. */
function countPartsPastLimit(ctx: ParseContext, cut: { boundaries: Buffer[]; at: number }): number {
  setBoundaries(ctx, cut.boundaries);
  // matchBoundaryLine matches nothing past the limit; this scan only counts.
  ctx.partCount = 0;
  let count = 0;
  for (let hit = findBoundary(ctx, cut.at); hit !== null; hit = findBoundary(ctx, hit.next)) if (!hit.close) count++;
  return count;
}

/**
 * Parses the raw RFC 5322 message (CRLF or bare LF line endings) into its MIME structure. Never
 * throws, whatever the bytes; runs in time linear in the message size and decodes no body.
 */
export function parseMessageStructure(raw: Buffer): MessageStructure {
  const ctx: ParseContext = { raw, boundaries: [], firstBytes: new Uint8Array(256), partCount: 0, limitsHit: new Set(), cut: null };
  const { part, fields } = parseEntity(ctx, 0, { depth: 0, path: '', messageRoot: true, defaultType: 'text/plain' });
  const partsPastLimit = ctx.cut === null ? 0 : countPartsPastLimit(ctx, ctx.cut);
  return { root: part, envelope: buildEnvelope(fields), headers: fields, limitsHit: [...ctx.limitsHit], partsPastLimit };
}
