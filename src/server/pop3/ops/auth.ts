// AUTH (RFC 5034): SASL PLAIN and LOGIN, each with an optional initial response (SASL-IR); both end in signIn().
import { errLine, multiLine } from '../../../proto/pop3/pop3-response.js';
import type { CommandOf } from '../../../proto/pop3/pop3-command.js';
import { POP3_MAX_SASL_LINE_BYTES } from '../../../proto/pop3/pop3-line-reader.js';
import { continuationLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';
import { PLAINTEXT_REFUSED, mayAuthenticate, signIn } from './sign-in.js';

export const SASL_MECHANISMS = ['PLAIN', 'LOGIN'] as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Response = { ok: true; value: Buffer } | { ok: false; line: string };

/** Decodes one client response: '=' is empty (RFC 5034 §4), '*' cancels, anything not base64 fails. */
function decode(text: string | undefined): Response {
  if (text === undefined) return { ok: false, line: '' };
  if (text === '*') return { ok: false, line: errLine('Authentication cancelled') };
  if (text === '=') return { ok: true, value: Buffer.alloc(0) };
  if (!BASE64.test(text)) return { ok: false, line: errLine('The response is not valid base64') };
  return { ok: true, value: Buffer.from(text, 'base64') };
}

async function challenge(session: POP3Session, text: string): Promise<Response> {
  session.write(continuationLine(Buffer.from(text, 'latin1')));
  return decode(await session.readContinuation({ maxLineBytes: POP3_MAX_SASL_LINE_BYTES }));
}

export async function auth(session: POP3Session, command: CommandOf<'AUTH'>): Promise<void> {
  if (command.mechanism === undefined) {
    // The pre-RFC 5034 probe (what Outlook and others send): the mechanisms, one per line.
    return session.write(mayAuthenticate(session) ? multiLine('SASL mechanisms follow', SASL_MECHANISMS) : PLAINTEXT_REFUSED);
  }
  if (!mayAuthenticate(session)) return session.write(PLAINTEXT_REFUSED);
  if (command.mechanism === 'PLAIN') {
    const response = command.initialResponse !== undefined ? decode(command.initialResponse) : await challenge(session, '');
    if (!response.ok) return session.write(response.line);
    // RFC 4616: authzid NUL authcid NUL passwd.
    const parts = response.value.toString('utf8').split('\u0000');
    if (parts.length !== 3) return session.write(errLine('Malformed PLAIN response'));
    const [authzid, authcid, password] = parts as [string, string, string];
    // Acting for another user (a different authzid) is not offered to anyone.
    if (authzid !== '' && authzid.toLowerCase() !== authcid.toLowerCase()) return session.write(errLine('Authorization identity not allowed', { code: 'AUTH' }));
    return signIn(session, authcid, password);
  }
  if (command.mechanism === 'LOGIN') {
    const name = command.initialResponse !== undefined ? decode(command.initialResponse) : await challenge(session, 'Username:');
    if (!name.ok) return session.write(name.line);
    const password = await challenge(session, 'Password:');
    if (!password.ok) return session.write(password.line);
    return signIn(session, name.value.toString('utf8'), password.value.toString('utf8'));
  }
  session.write(errLine(`Unsupported SASL mechanism; use one of ${SASL_MECHANISMS.join(' ')}`));
}
