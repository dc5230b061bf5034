// LIST and LSUB patterns (RFC 3501 §6.3.8, RFC 9051 §6.3.9): reference plus pattern, `*` and `%` wildcards, INBOX in any case.

export interface ListPattern {
  /** The reference and pattern joined, as the client would read it back. */
  readonly canonical: string;
  /**
   * RFC 3501 §6.3.8: when `%` ends the pattern, levels of hierarchy that match are listed too
   * even when they are not mailboxes themselves (with \Noselect or \NonExistent).
   */
  readonly listsLevels: boolean;
  matches(name: string): boolean;
}

/** The server's mailbox names, which patterns are matched against (the protocol leaves both to the server). */
export interface MailboxNaming {
  /** The hierarchy delimiter, one character: `%` does not match it (RFC 3501 §6.3.8). */
  readonly delimiter: string;
  /** The longest name in UTF-8 bytes. */
  readonly maxNameBytes: number;
}

const STAR = -1;
const PERCENT = -2;
const INBOX = 'INBOX';

/** `INBOX` and `INBOX/…` compare case-insensitively on their first level (RFC 3501 §5.1). */
function inboxLength(name: string, delimiter: string): number {
  return name.length >= INBOX.length && name.slice(0, INBOX.length).toUpperCase() === INBOX && (name.length === INBOX.length || name[INBOX.length] === delimiter) ? INBOX.length : 0;
}

/**
 * Compiles `reference` + `pattern`. Matching runs over the set of pattern positions a name can
 * be at (no regular expression and no backtracking), so a hostile pattern such as `*%*%*%…a`
 * costs pattern length × name length, never more; runs of wildcards are folded first.
 */
export function compileListPattern(reference: string, pattern: string, naming: MailboxNaming): ListPattern {
  const canonical = reference + pattern;
  const tokens: number[] = [];
  for (const ch of canonical) {
    const code = ch === '*' ? STAR : ch === '%' ? PERCENT : ch.codePointAt(0)!;
    const last = tokens[tokens.length - 1];
    if (code < 0 && last !== undefined && last < 0) {
      // `**`, `*%` and `%*` are `*`; `%%` is `%`.
      tokens[tokens.length - 1] = code === STAR || last === STAR ? STAR : PERCENT;
    } else {
      tokens.push(code);
    }
  }
  const literalCount = tokens.filter((t) => t >= 0).length;
  // No name is longer than maxNameBytes, and a character is at least a byte: a pattern with more fixed characters matches nothing.
  const impossible = literalCount > naming.maxNameBytes;
  return {
    canonical,
    listsLevels: tokens[tokens.length - 1] === PERCENT,
    matches(name: string): boolean {
      if (impossible) return false;
      return matchTokens(tokens, name, naming.delimiter);
    },
  };
}

function matchTokens(tokens: readonly number[], name: string, delimiter: string): boolean {
  const chars = [...name].map((c) => c.codePointAt(0)!);
  const folded = inboxLength(name, delimiter);
  const stop = delimiter.codePointAt(0);
  const n = tokens.length;
  // states[i]: the pattern up to position i matches the name read so far.
  let states = new Uint8Array(n + 1);
  states[0] = 1;
  const close = (s: Uint8Array): void => {
    // A wildcard may match nothing: a state before it is also a state after it.
    for (let i = 0; i < n; i++) if (s[i] && tokens[i]! < 0) s[i + 1] = 1;
  };
  close(states);
  for (let c = 0; c < chars.length; c++) {
    const ch = chars[c]!;
    const next = new Uint8Array(n + 1);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!states[i]) continue;
      const token = tokens[i]!;
      if (token === STAR || (token === PERCENT && ch !== stop)) {
        next[i] = 1;
        any = true;
      } else if (token >= 0 && (token === ch || (c < folded && String.fromCodePoint(token).toUpperCase() === String.fromCodePoint(ch).toUpperCase()))) {
        next[i + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    close(next);
    states = next;
  }
  return states[n] === 1;
}
