// Parses RFC 5322 address lists (§3.4, with the obsolete forms of §4.4) into IMAP address structures (RFC 3501 §7.4.2), leniently, by hand: nodemailer's addressparser loses what the ENVELOPE needs.
//
// addressparser is built for sending: it gives a comment, a phrase and a bare local part alike as
// a name ("(none)", "John Smith" and "root" all become { name, address: '' }), so an empty member
// or group ("Cc: group2: (foo) ;", which Dovecot writes as an empty group) would become a mailbox;
// it re-quotes local parts, takes "a@b:" for a group and reads an "@" inside an unclosed quote as
// the domain's. Behind an adapter it still failed two of the tests beside this file, and it was 3
// to 10 times slower on large lists, which every delivery parses for the envelope.

/**
 * One IMAP address. Group syntax (RFC 3501 §7.4.2): a group starts with mailbox = group name and
 * host = null, and ends with mailbox = null and host = null. Strings are raw header text: a display
 * name in encoded-words stays encoded (IMAP sends it so); use decodeHeaderValue to show it.
 */
export interface Address {
  name: string | null;
  /**
   * The source route of an obsolete `<@a,@b:user@host>` (RFC 5322 §4.4 obs-route), as the ENVELOPE's
   * at-domain-list shows it (RFC 3501 §7.4.2: `"@a,@b"`); null when there is none.
   */
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/**
 * Placeholders for a missing local part or domain, as Dovecot writes them: a null host would make
 * IMAP clients read a bare "root" as the start of a group.
 */
export const MISSING_MAILBOX = 'MISSING_MAILBOX';
export const MISSING_DOMAIN = 'MISSING_DOMAIN';

type TokenKind = 'atom' | 'quoted' | 'comment' | 'literal' | 'special';

interface Token {
  kind: TokenKind;
  text: string;
  /** Whitespace or a comment precedes this token. */
  spaced: boolean;
}

/** Character classes of RFC 5322 §3.2.3 for the tokenizer; '.' is an atom character so dot-atoms and "John Q. Public" stay whole. */
const ATOM = 0;
const SPACE = 1;
const COMMENT = 2;
const QUOTE = 3;
const LITERAL = 4;
const SPECIAL = 5;
const CHAR_CLASS = new Uint8Array(128);
for (const char of ' \t\r\n') CHAR_CLASS[char.charCodeAt(0)] = SPACE;
for (const char of '<>:;@,') CHAR_CLASS[char.charCodeAt(0)] = SPECIAL;
CHAR_CLASS['('.charCodeAt(0)] = COMMENT;
CHAR_CLASS['"'.charCodeAt(0)] = QUOTE;
CHAR_CLASS['['.charCodeAt(0)] = LITERAL;

function charClass(value: string, i: number): number {
  const code = value.charCodeAt(i);
  return code < 128 ? (CHAR_CLASS[code] as number) : ATOM;
}

/** Reads text up to `close`, resolving quoted pairs; unclosed runs to the end. Nesting only for comments. */
function readDelimited(value: string, start: number, close: string, nests: boolean): [string, number] {
  let depth = 1;
  let out = '';
  let i = start + 1;
  let runStart = i;
  while (i < value.length) {
    const char = value.charAt(i);
    if (char === '\\' && i + 1 < value.length) {
      out += value.slice(runStart, i);
      runStart = i + 1;
      i += 2;
      continue;
    }
    if (nests && char === '(') depth++;
    if (char === close && --depth === 0) return [out + value.slice(runStart, i), i + 1];
    i++;
  }
  return [out + value.slice(runStart), i];
}

/** Reads RFC 5322 tokens one at a time, so a huge header never holds all of them at once. */
class AddressTokenizer {
  private pos = 0;
  private spaced = false;

  constructor(private readonly value: string) {}

  next(): Token | null {
    const { value } = this;
    while (this.pos < value.length) {
      const i = this.pos;
      const kind = charClass(value, i);
      const spaced = this.spaced;
      if (kind === SPACE) {
        this.spaced = true;
        this.pos++;
        continue;
      }
      this.spaced = false;
      if (kind === COMMENT) {
        const [text, next] = readDelimited(value, i, ')', true);
        this.pos = next;
        this.spaced = true;
        return { kind: 'comment', text, spaced };
      }
      if (kind === QUOTE) {
        const [text, next] = readDelimited(value, i, '"', false);
        this.pos = next;
        return { kind: 'quoted', text, spaced };
      }
      if (kind === LITERAL) {
        const end = value.indexOf(']', i);
        this.pos = end === -1 ? value.length : end + 1;
        return { kind: 'literal', text: value.slice(i, this.pos), spaced };
      }
      if (kind === SPECIAL) {
        this.pos++;
        return { kind: 'special', text: value.charAt(i), spaced };
      }
      let end = i + 1;
      while (end < value.length && charClass(value, end) === ATOM) end++;
      this.pos = end;
      return { kind: 'atom', text: value.slice(i, end), spaced };
    }
    return null;
  }
}

/**
 * No real address has more tokens than this; the rest of an overlong one is skipped (still looking
 * for the comma that ends it), so one hostile "address" cannot hold a megabyte of tokens.
 */
const MAX_SEGMENT_TOKENS = 1_000;

const isWord = (token: Token): boolean => token.kind === 'atom' || token.kind === 'quoted';

/** A phrase (display name, group name): words joined by one space where the source had space. */
function phrase(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'comment') continue;
    if (out !== '' && token.spaced) out += ' ';
    out += token.text;
  }
  return out;
}

/** An addr-spec part (local part or domain): the tokens' text with no spaces, as obs-local-part allows. */
function joined(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) if (token.kind !== 'comment') out += token.text;
  return out;
}

function mailbox(name: string | null, local: string, domain: string, route: string | null = null): Address {
  return {
    name: name === '' ? null : name,
    adl: route === '' ? null : route,
    mailbox: local === '' ? MISSING_MAILBOX : local,
    host: domain === '' ? MISSING_DOMAIN : domain,
  };
}

/** name-addr: [display-name] "<" [route ":"] addr-spec ">" */
function angleAddress(segment: readonly Token[], open: number): Address {
  let close = segment.findIndex((t, i) => i > open && t.kind === 'special' && t.text === '>');
  if (close === -1) close = segment.length;
  let inner = segment.slice(open + 1, close).filter((t) => t.kind !== 'comment');
  let route: string | null = null;
  if (inner[0]?.text === '@' && inner[0].kind === 'special') {
    const colon = inner.findIndex((t) => t.kind === 'special' && t.text === ':');
    if (colon !== -1) {
      route = joined(inner.slice(0, colon));
      inner = inner.slice(colon + 1);
    }
  }
  const at = inner.findIndex((t) => t.kind === 'special' && t.text === '@');
  const local = at === -1 ? inner : inner.slice(0, at);
  const domain = at === -1 ? [] : inner.slice(at + 1);
  return mailbox(phrase(segment.slice(0, open)), joined(local), joined(domain), route);
}

/** addr-spec with an optional trailing comment as the name ("user@domain (Real Name)"), as Dovecot reads it. */
function bareAddress(segment: readonly Token[]): Address | null {
  const comments = segment.filter((t) => t.kind === 'comment' && t.text.trim() !== '');
  const comment = comments.length > 0 ? (comments[comments.length - 1] as Token).text.trim() : null;
  const tokens = segment.filter((t) => t.kind !== 'comment');
  if (tokens.length === 0) return null;
  const at = tokens.findIndex((t) => t.kind === 'special' && t.text === '@');
  if (at === -1) {
    const words = tokens.filter(isWord);
    if (words.length === 1) return mailbox(comment, (words[0] as Token).text, '');
    // Several words and no address ("To: John Smith"): keep them as the name so they stay visible.
    return mailbox(comment ?? phrase(tokens), '', '');
  }
  // The local part is the run of tokens glued to the '@'; words before a gap are a name without angle brackets.
  let localStart = at;
  while (localStart > 0 && tokens[localStart - 1]?.kind !== 'special') {
    localStart--;
    if ((tokens[localStart] as Token).spaced) break;
  }
  let domainEnd = at + 1;
  while (domainEnd < tokens.length && tokens[domainEnd]?.kind !== 'special' && (domainEnd === at + 1 || !(tokens[domainEnd] as Token).spaced)) {
    domainEnd++;
  }
  const leading = phrase(tokens.slice(0, localStart));
  return mailbox(comment ?? leading, joined(tokens.slice(localStart, at)), joined(tokens.slice(at + 1, domainEnd)));
}

function segmentAddress(segment: readonly Token[]): Address | null {
  const open = segment.findIndex((t) => t.kind === 'special' && t.text === '<');
  return open === -1 ? bareAddress(segment) : angleAddress(segment, open);
}

const GROUP_END: Address = { name: null, adl: null, mailbox: null, host: null };

/**
 * Parses an address list. Lenient by design: empty members (",,"), a missing ">" or ";", junk
 * between addresses and unbalanced quotes or comments still give the addresses a reader would see.
 * Never throws; linear in the length of the value.
 */
export function parseAddressList(value: string): Address[] {
  const out: Address[] = [];
  let segment: Token[] = [];
  let segmentHasSpecial = false;
  let inGroup = false;
  let inAngle = false;
  // Inside "<@a,@b:user@host>" (an obsolete route) commas do not separate addresses.
  let inRoute = false;

  const finish = (): void => {
    const address = segmentAddress(segment);
    if (address !== null) out.push(address);
    segment = [];
    segmentHasSpecial = false;
    inAngle = false;
    inRoute = false;
  };

  const tokenizer = new AddressTokenizer(value);
  for (let token = tokenizer.next(); token !== null; token = tokenizer.next()) {
    if (token.kind === 'special') {
      const { text } = token;
      const previous = segment[segment.length - 1];
      if (text === '<') {
        inAngle = true;
      } else if (text === '>') {
        inAngle = false;
        inRoute = false;
      } else if (text === '@' && inAngle && previous?.kind === 'special' && previous.text === '<') {
        inRoute = true;
      } else if (text === ':' && inRoute) {
        inRoute = false;
      } else if (text === ',' && !inRoute) {
        finish();
        continue;
      } else if (text === ':' && !inAngle && !inGroup && !segmentHasSpecial) {
        out.push({ name: null, adl: null, mailbox: phrase(segment), host: null });
        segment = [];
        inGroup = true;
        continue;
      } else if (text === ';' && !inAngle) {
        finish();
        if (inGroup) out.push({ ...GROUP_END });
        inGroup = false;
        continue;
      }
      segmentHasSpecial = true;
    }
    if (segment.length < MAX_SEGMENT_TOKENS) segment.push(token);
  }
  finish();
  if (inGroup) out.push({ ...GROUP_END });
  return out;
}
