// Validates and normalises email addresses and mail domains to the one form Mailward stores and compares.
import { domainToASCII, domainToUnicode } from 'node:url';
import { MailwardError } from '../errors/index.js';

/** RFC 1035 §2.3.4: a name is at most 255 octets on the wire, which leaves 253 in text form. */
const MAX_DOMAIN_OCTETS = 253;
/** RFC 1035 §2.3.4: a label is at most 63 octets. */
const MAX_LABEL_OCTETS = 63;
/** RFC 5321 §4.5.3.1.1: a local part is at most 64 octets. */
const MAX_LOCAL_PART_OCTETS = 64;
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including "<" and ">", so 254 for the address. */
const MAX_ADDRESS_OCTETS = 254;
/**
 * Inputs longer than this are refused before any Unicode work. Normalisation may shrink a string
 * (NFC composition, fullwidth letters mapping to ASCII), so the cap sits well above 254, but it
 * keeps a megabyte "address" from costing NFC, case mapping and IDNA processing.
 */
const MAX_INPUT_LENGTH = 1024;
/** How much of a rejected input is echoed back in the message. */
const MAX_ECHO_LENGTH = 80;

/** An LDH label (RFC 1035 §2.3.1, RFC 5890 §2.3.1) that neither starts nor ends with a hyphen. */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** RFC 5321 §4.1.2 atext, the ASCII characters a dot-atom local part may hold besides dots. */
const ASCII_ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]$/;
/** RFC 5322 specials that only a quoted local part could carry; refused everywhere. */
const SPECIALS = /["(),:;<>@[\\\]]/;
/** C0, DEL and C1 controls: they break protocol lines and logs. */
const CONTROL = /\p{Cc}/u;
/** Any kind of space, including the Unicode line and paragraph separators. */
const SPACE = /[\s\p{Z}]/u;
/**
 * Invisible format characters (bidi overrides, zero-width space, BOM, soft hyphen …) make two
 * different accounts look identical, which helps phishing; ZWNJ and ZWJ stay allowed because some
 * scripts need them to spell words (they are also allowed in IDNA2008 under CONTEXTJ rules).
 */
const INVISIBLE_FORMAT = /(?![\u200c\u200d])\p{Cf}/u;
/** A lone UTF-16 surrogate cannot be encoded as UTF-8 (RFC 6531 requires well-formed UTF-8). */
const LONE_SURROGATE = /\p{Cs}/u;
/** Characters stripped from an input before it is echoed in an error message (log injection). */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** An address split into its normalised parts; `address` is `localPart + '@' + domain`. */
export interface NormalizedAddress {
  address: string;
  localPart: string;
  domain: string;
}

/**
 * Returns the A-label (punycode), lower-case form of a mail domain without its trailing dot.
 * Throws MailwardError INVALID_ADDRESS when the name is not a plausible mail domain: an IP literal,
 * a single label such as "localhost", an all-numeric TLD or anything outside RFC 1035/5890 shape.
 */
export function normalizeDomain(input: string): string {
  const result = checkDomain(input);
  if ('reason' in result) throw invalid('domain', input, result.reason);
  return result.value;
}

/**
 * Returns the normalised form of an address: NFC, lower-case local part (Mailward compares local
 * parts case-insensitively) and an A-label domain. Throws MailwardError INVALID_ADDRESS otherwise.
 */
export function normalizeAddress(input: string): NormalizedAddress {
  const trimmed = input.trim();
  if (trimmed === '') throw invalid('address', input, 'empty');
  if (trimmed.length > MAX_INPUT_LENGTH) throw invalid('address', input, 'too long');
  // Quoted local parts (RFC 5321 §4.1.2 Quoted-string) are legal but rare, and every consumer of
  // an address would have to quote and unquote it correctly; refusing them is the safer trade.
  if (trimmed.startsWith('"')) throw invalid('address', input, 'quoted local parts are not supported');
  if (CONTROL.test(trimmed)) throw invalid('address', input, 'contains control characters');
  if (LONE_SURROGATE.test(trimmed)) throw invalid('address', input, 'not valid Unicode');
  if (SPACE.test(trimmed)) throw invalid('address', input, 'contains spaces');

  const at = trimmed.indexOf('@');
  if (at === -1) throw invalid('address', input, 'missing "@"');
  if (trimmed.indexOf('@', at + 1) !== -1) throw invalid('address', input, 'more than one "@"');

  const rawLocal = trimmed.slice(0, at);
  // Checked before normalisation too: NFC composes "<" + U+0338 into "≮", which would otherwise
  // smuggle a special through.
  if (SPECIALS.test(rawLocal)) throw invalid('address', input, localSpecialsReason(rawLocal));
  // NFC first so that canonically equal spellings become one account; the second NFC is cheap
  // insurance that case mapping never leaves a non-NFC string behind (idempotence).
  const localPart = rawLocal.normalize('NFC').toLowerCase().normalize('NFC');
  const localProblem = checkLocalPart(localPart);
  if (localProblem !== undefined) throw invalid('address', input, localProblem);

  const domainResult = checkDomain(trimmed.slice(at + 1));
  if ('reason' in domainResult) throw invalid('address', input, `domain ${domainResult.reason}`);
  const domain = domainResult.value;

  const address = `${localPart}@${domain}`;
  if (octets(address) > MAX_ADDRESS_OCTETS) {
    throw invalid('address', input, `longer than ${MAX_ADDRESS_OCTETS} octets`);
  }
  return { address, localPart, domain };
}

/** True when `input` is an address Mailward accepts (see normalizeAddress). */
export function isValidAddress(input: string): boolean {
  try {
    normalizeAddress(input);
    return true;
  } catch (error) {
    // Only a validation failure means "not valid"; anything else is a bug and must surface.
    if (error instanceof MailwardError && error.code === 'INVALID_ADDRESS') return false;
    throw error;
  }
}

type Checked = { value: string } | { reason: string };

function checkDomain(input: string): Checked {
  const trimmed = input.trim();
  if (trimmed === '') return { reason: 'empty' };
  if (trimmed.length > MAX_INPUT_LENGTH) return { reason: 'too long' };
  if (CONTROL.test(trimmed)) return { reason: 'contains control characters' };
  if (SPACE.test(trimmed)) return { reason: 'contains spaces' };
  // Address literals (RFC 5321 §4.1.3) bypass DNS and MX policy; Mailward hosts names only.
  if (trimmed.startsWith('[')) return { reason: 'IP literals are not accepted' };
  // domainToASCII is the WHATWG host parser: it percent-decodes and reads "0x7f.1" as IPv4.
  // Only non-ASCII should reach its UTS #46 mapping, so ASCII is held to LDH and dots first.
  if (/[\x21-\x7e]/.test(trimmed.replace(/[A-Za-z0-9.-]/g, ''))) {
    return { reason: 'contains characters other than letters, digits, "-" and "."' };
  }

  const ascii = domainToASCII(trimmed.toLowerCase());
  if (ascii === '') return { reason: 'not a valid internationalised domain name' };
  // One trailing dot is the DNS root (RFC 1034 §3.1); it names the same domain.
  const name = ascii.endsWith('.') ? ascii.slice(0, -1) : ascii;
  if (name === '') return { reason: 'empty' };
  if (name.length > MAX_DOMAIN_OCTETS) return { reason: `longer than ${MAX_DOMAIN_OCTETS} octets` };

  const labels = name.split('.');
  for (const label of labels) {
    if (label === '') return { reason: 'empty label (leading, trailing or double dot)' };
    if (label.length > MAX_LABEL_OCTETS) return { reason: `label longer than ${MAX_LABEL_OCTETS} octets` };
    if (!LDH_LABEL.test(label)) {
      return { reason: `label "${echo(label)}" must be letters, digits and inner hyphens` };
    }
    // RFC 5890 §2.3.1: "??--" labels are reserved; only the "xn--" A-label prefix is defined.
    if (label.slice(2, 4) === '--' && !label.startsWith('xn--')) {
      return { reason: `label "${echo(label)}" has reserved hyphens in positions 3 and 4` };
    }
    if (label.startsWith('xn--') && !isALabel(label)) {
      return { reason: `label "${echo(label)}" is not valid punycode` };
    }
  }
  // A single label ("localhost") cannot be a public mail domain.
  if (labels.length < 2) return { reason: 'needs at least two labels' };
  // RFC 3696 §2: a top-level domain is never all-numeric; this also refuses dotted IPv4.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) {
    return { reason: 'all-numeric top-level domain (IP addresses are not accepted)' };
  }
  return { value: name };
}

/**
 * Whether an "xn--" label is an A-label (RFC 5890 §2.3.2.1): punycode that decodes to a non-ASCII
 * U-label which encodes back to the same label. Node 24's domainToASCII passes undecodable
 * punycode such as "xn--zz" through unchanged (Node 20's refused it), so this does not rely on it.
 */
function isALabel(label: string): boolean {
  const unicode = domainToUnicode(label);
  return /\P{ASCII}/u.test(unicode) && domainToASCII(unicode) === label;
}

/** Returns why a normalised local part is refused, or undefined when it is acceptable. */
function checkLocalPart(localPart: string): string | undefined {
  if (localPart === '') return 'empty local part';
  if (SPECIALS.test(localPart)) return localSpecialsReason(localPart);
  if (CONTROL.test(localPart)) return 'contains control characters';
  if (SPACE.test(localPart)) return 'contains spaces';
  if (INVISIBLE_FORMAT.test(localPart)) return 'local part contains invisible formatting characters';
  // RFC 5321 §4.1.2 dot-atom: dots only between atoms.
  if (localPart.startsWith('.') || localPart.endsWith('.')) return 'local part starts or ends with "."';
  if (localPart.includes('..')) return 'local part contains ".."';
  for (const char of localPart) {
    // RFC 6531 §3.3 extends atext with any non-ASCII UTF-8; ASCII stays RFC 5321 atext.
    if (char !== '.' && char.codePointAt(0)! < 0x80 && !ASCII_ATEXT.test(char)) {
      return `local part contains "${char}"`;
    }
  }
  if (octets(localPart) > MAX_LOCAL_PART_OCTETS) return `local part longer than ${MAX_LOCAL_PART_OCTETS} octets`;
  return undefined;
}

function localSpecialsReason(localPart: string): string {
  return localPart.includes('"')
    ? 'quoted local parts are not supported'
    : 'local part contains one of "(),:;<>@[\\]';
}

function octets(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A one-line, bounded, printable copy of untrusted input for error messages and logs. */
function echo(input: string): string {
  const chars = Array.from(input.replace(UNPRINTABLE, ''));
  return chars.length > MAX_ECHO_LENGTH ? `${chars.slice(0, MAX_ECHO_LENGTH).join('')}…` : chars.join('');
}

function invalid(kind: 'address' | 'domain', input: string, reason: string): MailwardError {
  return new MailwardError('INVALID_ADDRESS', { message: `invalid ${kind} "${echo(input)}": ${reason}` });
}

/** The domain of a stored account: its address is normalised when written, so the part after the last "@". */
export function accountDomain(account: { address: string }): string {
  return account.address.slice(account.address.lastIndexOf('@') + 1);
}
