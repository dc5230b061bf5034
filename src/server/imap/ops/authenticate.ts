// AUTHENTICATE PLAIN and LOGIN (RFC 3501 §6.2.2, RFC 4616, SASL-IR RFC 4959): the same authenticate() as LOGIN.
import { continuationBase64 } from '../../../proto/imap/imap-response.js';
import type { AuthenticateRequest } from '../../../proto/imap/commands/authenticate.js';
import * as grammar from '../../../proto/imap/commands/authenticate.js';
import type { CommandResult, IMAPCommandContext, IMAPOp } from '../imap-context.js';
import { NOT_AUTHENTICATED } from '../imap-context.js';
import { plaintextRefused, signIn } from './login-result.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const CANCELLED: CommandResult = { status: 'BAD', text: 'Authentication cancelled' };
const MALFORMED: CommandResult = { status: 'BAD', text: 'Malformed authentication response' };

/** One client response: base64, `=` for empty (RFC 4959), `*` to cancel; null when malformed. */
function decode(text: string): Buffer | null | 'cancel' {
  if (text === '*') return 'cancel';
  if (text === '=') return Buffer.alloc(0);
  if (!BASE64.test(text) || text.length % 4 !== 0) return null;
  return Buffer.from(text, 'base64');
}

async function ask(context: IMAPCommandContext, challenge: Buffer): Promise<Buffer | null | 'cancel'> {
  // An empty challenge is `+ ` and nothing else (RFC 4959 §3), so clients do not read text as data.
  await context.write(continuationBase64(challenge));
  const line = await context.readLine();
  if (line === undefined) return 'cancel';
  return decode(line.trim());
}

export const AUTHENTICATE: IMAPOp<AuthenticateRequest> = {
  grammar: grammar.AUTHENTICATE,
  states: NOT_AUTHENTICATED,
  async run(context, { mechanism, initialResponse }) {
    if (mechanism !== 'PLAIN' && mechanism !== 'LOGIN') return { status: 'NO', code: { name: 'CANNOT' }, text: 'Unsupported authentication mechanism' };
    const refused = plaintextRefused(context);
    if (refused) return refused;
    const initial = initialResponse !== undefined ? decode(initialResponse) : undefined;
    if (initial === 'cancel') return CANCELLED;
    if (initial === null) return MALFORMED;

    if (mechanism === 'PLAIN') {
      const response = initial ?? (await ask(context, Buffer.alloc(0)));
      if (response === 'cancel') return CANCELLED;
      if (response === null) return MALFORMED;
      const parts = response.toString('utf8').split('\0');
      if (parts.length !== 3) return MALFORMED;
      const [authzid, authcid, password] = parts as [string, string, string];
      // Acting as another user is not offered: an authorization identity must be our own.
      if (authzid !== '' && authzid.toLowerCase() !== authcid.toLowerCase()) {
        return { status: 'NO', code: { name: 'AUTHORIZATIONFAILED' }, text: 'Authorization identity must match the user' };
      }
      return signIn(context, authcid, password);
    }

    const username = initial ?? (await ask(context, Buffer.from('Username:')));
    if (username === 'cancel') return CANCELLED;
    if (username === null) return MALFORMED;
    const password = await ask(context, Buffer.from('Password:'));
    if (password === 'cancel') return CANCELLED;
    if (password === null) return MALFORMED;
    return signIn(context, username.toString('utf8'), password.toString('utf8'));
  },
};
