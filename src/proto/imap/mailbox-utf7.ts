// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3), the form IMAP4rev1 clients use when UTF-8 is not enabled.

/** `Entwürfe` → `Entw&APw-rfe`; `&` → `&-`. */
export function encodeMailboxUTF7(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes = Buffer.alloc(pending.length * 2);
    pending.forEach((unit, i) => bytes.writeUInt16BE(unit, i * 2));
    out += `&${bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      out += unit === 0x26 ? '&-' : name[i];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return out;
}

/**
 * `Entw&APw-rfe` → `Entwürfe`; undefined when the text is not valid modified UTF-7 (a bare `&`
 * run without `-`, padding, an odd byte count, printable ASCII encoded, or a broken surrogate
 * pair), so a name has exactly one spelling on the wire.
 */
export function decodeMailboxUTF7(text: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code > 0x7e) return undefined;
    if (ch !== '&') {
      out += ch;
      i++;
      continue;
    }
    const end = text.indexOf('-', i + 1);
    if (end === -1) return undefined;
    const run = text.slice(i + 1, end);
    i = end + 1;
    if (run.length === 0) {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(run)) return undefined;
    const bytes = Buffer.from(run.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return undefined;
    // The base64 must be exactly what encoding these bytes gives (no stray bits).
    if (bytes.toString('base64').replace(/=+$/, '') !== run.replace(/,/g, '/')) return undefined;
    let decoded = '';
    for (let j = 0; j < bytes.length; j += 2) decoded += String.fromCharCode(bytes.readUInt16BE(j));
    if ([...decoded].some((c) => c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff)) return undefined;
    if (/[\x20-\x7e]/.test(decoded)) return undefined;
    out += decoded;
  }
  return out;
}
