// Reads the header block of one MIME entity from the raw bytes: fields unfolded per RFC 5322 §2.2.3, and the byte offset where the block ends (which no MIME library reports).
import { decodeRawHeaderBytes } from './decode-charset.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;

/** One header field: the name as written and the value unfolded (line breaks of folding removed), leading whitespace trimmed. */
export interface HeaderField {
  name: string;
  value: string;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset just past the block: after the blank line, at the end of input, or before the line break that precedes a boundary. */
  end: number;
  /**
   * Why the block ended: a blank line (a body follows), the end of input (no body), or a MIME
   * boundary line of an enclosing multipart (RFC 2046 §5.1.1), which ends this entity at once.
   */
  endedBy: 'blank-line' | 'eof' | 'boundary';
  /** For `boundary`: the offset of the boundary line itself. */
  boundaryLine: number;
}

export interface ReadHeaderBlockOptions {
  /**
   * Asked for every line that starts with "--": true when it is a boundary line of an enclosing
   * multipart. A part whose header is cut by its parent's boundary must end there, as Dovecot does,
   * or a missing blank line would swallow the next part.
   */
  isBoundaryLine?: ((lineStart: number) => boolean) | undefined;
}

/** A field being collected: its name and value range, plus the ranges of continuation lines when folded. */
interface PendingField {
  name: string;
  start: number;
  end: number;
  /** start, end pairs of continuation lines, each keeping its leading whitespace. */
  folds: number[] | null;
}

function finishField(raw: Buffer, pending: PendingField, fields: HeaderField[]): void {
  const { folds } = pending;
  let start = pending.start;
  let value: string;
  if (folds === null) {
    const end = pending.end;
    while (start < end && (raw[start] === SP || raw[start] === TAB)) start++;
    value = decodeRawHeaderBytes(raw, start, end);
  } else {
    // Folded: gather the pieces into one buffer. Pieces are short, so a byte loop beats a native copy per piece.
    let length = pending.end - start;
    for (let i = 0; i < folds.length; i += 2) length += (folds[i + 1] as number) - (folds[i] as number);
    const bytes = Buffer.allocUnsafe(length);
    let offset = 0;
    const copy = (from: number, to: number): void => {
      for (let i = from; i < to; i++) bytes[offset++] = raw[i] as number;
    };
    copy(start, pending.end);
    for (let i = 0; i < folds.length; i += 2) copy(folds[i] as number, folds[i + 1] as number);
    start = 0;
    while (start < length && (bytes[start] === SP || bytes[start] === TAB)) start++;
    value = decodeRawHeaderBytes(bytes, start, length);
  }
  fields.push({ name: pending.name, value });
}

/** The offset of the next LF at or after `pos`, or -1: a short byte loop first, since header lines are short and a native call is not free. */
function findLF(raw: Buffer, pos: number): number {
  const limit = Math.min(raw.length, pos + 128);
  for (let i = pos; i < limit; i++) if (raw[i] === LF) return i;
  return limit === raw.length ? -1 : raw.indexOf(LF, limit);
}

/**
 * Returns the length of a field name at `lineStart` (the offset of its colon), or -1 when the line is
 * not a header field. RFC 5322 §3.6.8: ftext is %d33-57 / %d59-126; obsolete syntax (§4.5) allows
 * whitespace before the colon. A line without a colon (an mbox "From " line, stray text) is skipped.
 */
function findColon(raw: Buffer, lineStart: number, contentEnd: number): number {
  let i = lineStart;
  while (i < contentEnd) {
    const byte = raw[i] as number;
    if (byte === COLON) return i > lineStart ? i : -1;
    if (byte === SP || byte === TAB) {
      let j = i;
      while (j < contentEnd && (raw[j] === SP || raw[j] === TAB)) j++;
      return j < contentEnd && raw[j] === COLON && i > lineStart ? j : -1;
    }
    if (byte < 33 || byte > 126) return -1;
    i++;
  }
  return -1;
}

/** Reads header lines from `start` until a blank line, the end of input, or a boundary line. */
export function readHeaderBlock(raw: Buffer, start: number, options: ReadHeaderBlockOptions = {}): HeaderBlock {
  const { isBoundaryLine } = options;
  const fields: HeaderField[] = [];
  const length = raw.length;
  let pending: PendingField | null = null;
  let pos = start;

  for (;;) {
    if (pos >= length) {
      if (pending !== null) finishField(raw, pending, fields);
      return { fields, end: length, endedBy: 'eof', boundaryLine: -1 };
    }
    const first = raw[pos];
    if (first === LF || (first === CR && raw[pos + 1] === LF)) {
      if (pending !== null) finishField(raw, pending, fields);
      return { fields, end: pos + (first === LF ? 1 : 2), endedBy: 'blank-line', boundaryLine: -1 };
    }
    if (isBoundaryLine !== undefined && first === 0x2d && raw[pos + 1] === 0x2d && isBoundaryLine(pos)) {
      if (pending !== null) finishField(raw, pending, fields);
      // The line break before a boundary belongs to the boundary (RFC 2046 §5.1.1), not to this header.
      let end = pos;
      if (end > start && raw[end - 1] === LF) end--;
      if (end > start && raw[end - 1] === CR) end--;
      return { fields, end, endedBy: 'boundary', boundaryLine: pos };
    }

    const lf = findLF(raw, pos);
    const next = lf === -1 ? length : lf + 1;
    let contentEnd = lf === -1 ? length : lf;
    if (contentEnd > pos && raw[contentEnd - 1] === CR) contentEnd--;

    if (first === SP || first === TAB) {
      // Folded continuation: unfolding removes only the line break and keeps the whitespace.
      if (pending !== null) (pending.folds ??= []).push(pos, contentEnd);
    } else {
      if (pending !== null) finishField(raw, pending, fields);
      pending = null;
      const colon = findColon(raw, pos, contentEnd);
      if (colon !== -1) {
        let nameEnd = colon;
        while (nameEnd > pos && (raw[nameEnd - 1] === SP || raw[nameEnd - 1] === TAB)) nameEnd--;
        pending = { name: raw.toString('latin1', pos, nameEnd), start: colon + 1, end: contentEnd, folds: null };
      }
    }
    pos = next;
  }
}
