// Rewrites the parts of a message sent as binary (APPEND with a literal8, RFC 3516 §4.4) into base64, so BODY[] never carries NUL or bare line ends and BINARY[] still gives back the exact bytes.
import { parseMessageStructure } from './message-structure.js';
import type { MIMEPart } from './message-structure.js';

/** RFC 2045 §6.8: encoded lines are at most 76 characters. */
const BASE64_LINE = 76;
const CTE_FIELD = /^content-transfer-encoding[ \t]*:/i;

function binaryLeaves(part: MIMEPart, out: MIMEPart[]): MIMEPart[] {
  if (part.children.length === 0) {
    if (part.encoding === 'BINARY' && part.bodyEnd > part.bodyStart) out.push(part);
  } else for (const child of part.children) binaryLeaves(child, out);
  return out;
}

/** Base64 in lines of BASE64_LINE; a line break after the last only at the end of the message (before a boundary, the boundary's own comes next). */
function base64Lines(body: Buffer, options: { last: boolean }): Buffer {
  const text = body.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += BASE64_LINE) lines.push(text.slice(i, i + BASE64_LINE));
  return Buffer.from(`${lines.join('\r\n')}${options.last ? '\r\n' : ''}`, 'latin1');
}

/** The header block with its Content-Transfer-Encoding field (continuation lines included) said again as base64. */
function base64Header(header: Buffer): Buffer {
  const out: Buffer[] = [];
  let skipping = false;
  let pos = 0;
  while (pos < header.length) {
    const lf = header.indexOf(0x0a, pos);
    const next = lf === -1 ? header.length : lf + 1;
    const line = header.subarray(pos, next);
    const continuation = line[0] === 0x20 || line[0] === 0x09;
    if (!continuation) skipping = CTE_FIELD.test(line.toString('latin1'));
    if (skipping && !continuation) out.push(Buffer.from('Content-Transfer-Encoding: base64\r\n'));
    else if (!skipping) out.push(line);
    pos = next;
  }
  return Buffer.concat(out);
}

/**
 * The message with every leaf part whose Content-Transfer-Encoding is `binary` re-encoded as
 * base64 and its header saying so; the message itself when it has none. A part's body runs up to
 * the line break before the next boundary, which stays as it was (RFC 2046 §5.1.1).
 */
export function encodeBinaryParts(raw: Buffer): Buffer {
  const leaves = binaryLeaves(parseMessageStructure(raw).root, []);
  if (leaves.length === 0) return raw;
  const out: Buffer[] = [];
  let at = 0;
  for (const part of leaves) {
    out.push(raw.subarray(at, part.headerStart), base64Header(raw.subarray(part.headerStart, part.headerEnd)), base64Lines(raw.subarray(part.bodyStart, part.bodyEnd), { last: part.bodyEnd === raw.length }));
    at = part.bodyEnd;
  }
  out.push(raw.subarray(at));
  return Buffer.concat(out);
}
