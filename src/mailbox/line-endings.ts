// Stored messages always end lines with CRLF: IMAP sizes, offsets and POP3 octet counts assume it (RFC 3501 §2.3.1, RFC 1939).

/** Converts bare LF and bare CR to CRLF; returns the input itself when nothing needs changing. */
export function toCRLF(raw: Buffer): Buffer {
  if (!hasBareLineEnd(raw)) return raw;
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

/** A LF without CR before it, or a CR without LF after it; jumps from line end to line end (native indexOf) rather than testing every byte. */
function hasBareLineEnd(raw: Buffer): boolean {
  for (let i = raw.indexOf(0x0a); i !== -1; i = raw.indexOf(0x0a, i + 1)) {
    if (i === 0 || raw[i - 1] !== 0x0d) return true;
  }
  for (let i = raw.indexOf(0x0d); i !== -1; i = raw.indexOf(0x0d, i + 1)) {
    if (raw[i + 1] !== 0x0a) return true;
  }
  return false;
}
