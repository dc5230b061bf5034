// AUTHENTICATE mechanism [initial-response] (RFC 3501 §6.2.2, SASL-IR RFC 4959 §3).
import { arg, astring, expectArgCount, keyword } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

export interface AuthenticateRequest extends IMAPRequestBase<'AUTHENTICATE'> {
  /** Upper-cased; whether we offer it is the server's to say (NO [CANNOT]), not a syntax question. */
  mechanism: string;
  /** SASL-IR: base64, `=` for an empty response; decoded with the responses that follow a `+`. */
  initialResponse?: string;
}

export const AUTHENTICATE: IMAPCommandSpec<AuthenticateRequest> = {
  name: 'AUTHENTICATE',
  parse(command) {
    expectArgCount(command, 1, 2);
    const mechanism = keyword(arg(command, 0));
    const initial = command.args[1];
    return { tag: command.tag, name: 'AUTHENTICATE', mechanism, ...(initial ? { initialResponse: astring(initial) } : {}) };
  },
};
