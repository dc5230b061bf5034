// Writes a MIMEPart tree as the IMAP BODYSTRUCTURE or BODY of a FETCH response (RFC 3501 §7.4.2, RFC 9051 §7.5.2).
import { envelopeToIMAP } from './envelope-to-imap.js';
import { imapNString, imapString } from './imap-string.js';
import type { MIMEPart } from './message-structure.js';

export interface BodyStructureToIMAPOptions {
  /** true: BODYSTRUCTURE, with extension data (MD5, disposition, language, location). false: BODY. */
  extensible: boolean;
}

/** RFC 2231 §7 attribute-char: what may stand unencoded in an extended parameter value. */
const ATTRIBUTE_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;
/** Values IMAP4rev1 clients cannot take as a plain string: 8-bit, controls, CR/LF. */
const NOT_PRINTABLE_ASCII = /[^\x09\x20-\x7e]/;

/**
 * RFC 2231 form of a value that is not printable ASCII: name*=utf-8''%E2%82%AC. Parameters are
 * stored decoded; re-encoding them this way keeps BODYSTRUCTURE 7-bit, and it is what Dovecot sends
 * for such parameters (which it never decodes), so clients already read it.
 */
function extendedValue(value: string): string {
  let out = "utf-8''";
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && ATTRIBUTE_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function paramsToIMAP(params: Record<string, string>, defaultCharset: boolean): string {
  const items: string[] = [];
  let hasCharset = false;
  for (const [name, value] of Object.entries(params)) {
    if (name === 'charset') hasCharset = true;
    if (NOT_PRINTABLE_ASCII.test(value)) items.push(imapString(`${name.toUpperCase()}*`), imapString(extendedValue(value)));
    else items.push(imapString(name.toUpperCase()), imapString(value));
  }
  // RFC 2045 §5.2: text without a charset is us-ascii; Dovecot says so explicitly, and clients rely on it.
  if (defaultCharset && !hasCharset) items.push('"CHARSET"', '"us-ascii"');
  return items.length === 0 ? 'NIL' : `(${items.join(' ')})`;
}

/** body-fld-dsp SP body-fld-lang SP body-fld-loc, shared by both part kinds. */
function commonExtensions(part: MIMEPart): string {
  const { disposition, language } = part;
  const dsp = disposition === null ? 'NIL' : `(${imapString(disposition.type.toUpperCase())} ${paramsToIMAP(disposition.params, false)})`;
  const lang = language === null || language.length === 0 ? 'NIL' : `(${language.map(imapString).join(' ')})`;
  return `${dsp} ${lang} ${imapNString(part.location)}`;
}

function isEncapsulatedMessage(part: MIMEPart): boolean {
  return part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global') && part.children.length === 1 && part.envelope !== undefined;
}

function writePart(part: MIMEPart, extensible: boolean, out: string[]): void {
  out.push('(');
  if (part.type === 'multipart') {
    if (part.children.length === 0) out.push(extensible ? '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL)' : '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 0 0)');
    for (const child of part.children) writePart(child, extensible, out);
    out.push(' ', imapString(part.subtype.toUpperCase()));
    if (extensible) out.push(' ', paramsToIMAP(part.params, false), ' ', commonExtensions(part));
    out.push(')');
    return;
  }

  const message = isEncapsulatedMessage(part);
  // A message/* part without its parsed message would break the grammar (envelope and body are mandatory): show it as opaque data.
  const opaqueMessage = !message && part.type === 'message' && (part.subtype === 'rfc822' || part.subtype === 'global');
  const type = opaqueMessage ? 'APPLICATION' : part.type.toUpperCase();
  const subtype = opaqueMessage ? 'OCTET-STREAM' : part.subtype.toUpperCase();
  const text = part.type === 'text';
  out.push(
    imapString(type),
    ' ',
    imapString(subtype),
    ' ',
    paramsToIMAP(part.params, text),
    ' ',
    imapNString(part.id),
    ' ',
    imapNString(part.description),
    ' ',
    imapString(part.encoding),
    ' ',
    String(part.size),
  );
  if (text) {
    out.push(' ', String(part.lines));
  } else if (message) {
    out.push(' ', envelopeToIMAP(part.envelope as NonNullable<MIMEPart['envelope']>), ' ');
    writePart(part.children[0] as MIMEPart, extensible, out);
    out.push(' ', String(part.lines));
  }
  if (extensible) out.push(' ', imapNString(part.md5), ' ', commonExtensions(part));
  out.push(')');
}

/**
 * The exact BODYSTRUCTURE (extensible) or BODY (not) value for `part`, outer parentheses included.
 * Types, subtypes, parameter names and encodings are upper-case as in RFC 3501's examples
 * (Dovecot writes them as the message did; IMAP compares them case-insensitively). Strings are
 * quoted, or literals when they hold CR, LF or 8-bit text; write the result as UTF-8.
 */
export function bodyStructureToIMAP(part: MIMEPart, options: BodyStructureToIMAPOptions): string {
  const out: string[] = [];
  writePart(part, options.extensible, out);
  return out.join('');
}
