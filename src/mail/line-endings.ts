// Stored messages always end lines with CRLF: IMAP sizes, offsets and POP3 octet counts assume it (RFC 3501 §2.3.1, RFC 1939).

/** Converts bare LF and bare CR to CRLF; returns the input itself when nothing needs changing. */
export function toCRLF(raw: Buffer): Buffer {
  let bare = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === 0x0a && (i === 0 || raw[i - 1] !== 0x0d)) {
      bare = true;
      break;
    }
    if (byte === 0x0d && raw[i + 1] !== 0x0a) {
      bare = true;
      break;
    }
  }
  if (!bare) return raw;
  const out = Buffer.allocUnsafe(raw.length * 2);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte === 0x0d) {
      out[n++] = 0x0d;
      out[n++] = 0x0a;
      if (raw[i + 1] === 0x0a) i++;
    } else if (byte === 0x0a) {
      out[n++] = 0x0d;
      out[n++] = 0x0a;
    } else out[n++] = byte;
  }
  return out.subarray(0, n);
}
