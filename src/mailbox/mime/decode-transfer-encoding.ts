// Undoes a part's Content-Transfer-Encoding (RFC 2045 §6) on its stored bytes: for IMAP BINARY (RFC 3516) and the webmail's downloads of parts it reads with the structure walker.
import { MailwardError } from '../../errors/index.js';

function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  let lineStart = 0;
  while (lineStart < body.length) {
    const lf = body.indexOf(0x0a, lineStart);
    const lineEnd = lf === -1 ? body.length : lf;
    let contentEnd = lineEnd > lineStart && body[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd;
    // RFC 2045 §6.7 (3): trailing whitespace was added in transport and is removed.
    while (contentEnd > lineStart && (body[contentEnd - 1] === 0x20 || body[contentEnd - 1] === 0x09)) contentEnd--;
    let soft = false;
    for (let i = lineStart; i < contentEnd; i++) {
      const byte = body[i]!;
      if (byte !== 0x3d) {
        out[n++] = byte;
        continue;
      }
      if (i === contentEnd - 1) {
        soft = true;
        break;
      }
      const hex = body.toString('latin1', i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out[n++] = parseInt(hex, 16);
        i += 2;
      } else out[n++] = byte;
    }
    if (lf !== -1 && !soft) {
      out[n++] = 0x0d;
      out[n++] = 0x0a;
    }
    lineStart = lineEnd + 1;
  }
  return out.subarray(0, n);
}

/** Undoes a Content-Transfer-Encoding (RFC 2045 §6); an unknown one is a NO [UNKNOWN-CTE] (RFC 3516 §4.3). */
export function decodeTransferEncoding(body: Buffer, encoding: string): Buffer {
  switch (encoding.toUpperCase()) {
    case '7BIT':
    case '8BIT':
    case 'BINARY':
      return body;
    case 'BASE64':
      return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
    case 'QUOTED-PRINTABLE':
      return decodeQuotedPrintable(body);
    default:
      throw new UnknownTransferEncodingError(encoding);
  }
}

/** A part whose transfer encoding we cannot undo: BINARY answers NO [UNKNOWN-CTE]. */
export class UnknownTransferEncodingError extends MailwardError {
  constructor(encoding: string) {
    super('INVALID_INPUT', { message: `Unknown Content-Transfer-Encoding ${encoding.slice(0, 40)}` });
  }
}
