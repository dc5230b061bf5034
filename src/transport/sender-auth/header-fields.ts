// Splits a message's header block into fields exactly as written (folding and line breaks kept), for byte-exact rewriting and DKIM canonicalization.

/** One header field as written: continuation lines and its final line break included (latin1, so every byte survives). */
export interface RawHeaderField {
  /** Lower-case field name; '' for a malformed line without a colon (kept, never interpreted). */
  key: string;
  text: string;
}

export interface SplitMessage {
  fields: RawHeaderField[];
  /** Everything after the header fields: the blank line and the body (may be empty). */
  rest: Buffer;
}

const FIELD_NAME = /^([!-9;-~]+)[ \t]*:/;

/**
 * The header fields up to the first empty line. Works on CRLF and bare-LF input alike; what it
 * does not understand (a leading continuation line, a line without a colon) stays as it was.
 */
export function splitHeaderFields(raw: Buffer): SplitMessage {
  const text = raw.toString('latin1');
  const fields: RawHeaderField[] = [];
  let offset = 0;
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    const lineEnd = newline < 0 ? text.length : newline + 1;
    const line = text.slice(offset, lineEnd);
    if (line === '\n' || line === '\r\n' || line === '\r') break;
    const last = fields[fields.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      last.text += line;
    } else {
      fields.push({ key: FIELD_NAME.exec(line)?.[1]?.toLowerCase() ?? '', text: line });
    }
    offset = lineEnd;
  }
  // latin1 maps one byte to one character, so the string offset is the byte offset.
  return { fields, rest: raw.subarray(offset) };
}

/** Reassembles fields and the rest into a message. */
export function joinHeaderFields(fields: RawHeaderField[], rest: Buffer): Buffer {
  return Buffer.concat([Buffer.from(fields.map((f) => f.text).join(''), 'latin1'), rest]);
}

/** The field's value: after the colon, unfolded (line breaks removed), not trimmed. */
export function fieldValue(field: RawHeaderField): string {
  const colon = field.text.indexOf(':');
  return field.text.slice(colon + 1).replace(/\r?\n/g, '');
}

/**
 * RFC 6376 §3.4.2 "relaxed" header canonicalization: lower-case name, unfolded, runs of WSP made
 * one space, no WSP around the colon or at the end. Only SP and TAB count as WSP: treating other
 * bytes as space (0xA0 inside UTF-8) would break signatures on non-ASCII headers.
 */
export function relaxedHeader(text: string): string {
  const colon = text.indexOf(':');
  const name = text.slice(0, colon).replace(/[ \t]+$/, '').toLowerCase();
  const value = text
    .slice(colon + 1)
    .replace(/\r?\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
  return `${name}:${value}`;
}
