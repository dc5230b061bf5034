// The shape every IMAP command's grammar shares: a framed command in, its typed request out (or an IMAPSyntaxError), read in the light of what the client has ENABLEd.
import type { IMAPCommand } from '../imap-value.js';

/** What of the session changes how a command's arguments read. */
export interface IMAPGrammarOptions {
  /** The extensions the client turned on with ENABLE (RFC 5161), upper-cased: `UTF8=ACCEPT`, `QRESYNC`, `IMAP4REV2` … */
  readonly enabled: ReadonlySet<string>;
}

/** What every request carries: the command's tag and its name (`UID FETCH` for the UID form, RFC 3501 §6.4.8). */
export interface IMAPRequestBase<N extends string = string> {
  tag: string;
  name: N;
}

/** One command's grammar (one command per file, as for POP3); its op holds it. */
export interface IMAPCommandSpec<R extends IMAPRequestBase> {
  readonly name: R['name'];
  parse(command: IMAPCommand, options: IMAPGrammarOptions): R;
}

/**
 * Whether strings, mailbox names among them, are UTF-8: once UTF8=ACCEPT (RFC 6855 §3) or
 * IMAP4rev2 (RFC 9051 §5.1) is enabled. Before that, names travel in modified UTF-7 (RFC 3501 §5.1.3).
 */
export function utf8Enabled(enabled: ReadonlySet<string>): boolean {
  return enabled.has('UTF8=ACCEPT') || enabled.has('IMAP4REV2');
}
