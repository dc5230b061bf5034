// CAPA (RFC 2449 §5): what this connection offers now; STLS and the sign-in methods depend on TLS and the admin's plain-text setting.
import { multiLine } from '../../../proto/pop3/pop3-response.js';
import type { POP3Session } from '../pop3-context.js';
import { SASL_MECHANISMS } from './auth.js';
import { mayAuthenticate } from './sign-in.js';

export async function capa(session: POP3Session): Promise<void> {
  const lines = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING'];
  // RFC 2449 §5: what AUTHORIZATION offers is announced in both states. Sign-in is left out
  // where it would be refused, so clients upgrade with STLS instead of sending a password.
  if (mayAuthenticate(session)) lines.push('USER', `SASL ${SASL_MECHANISMS.join(' ')}`);
  if (session.canStartTLS) lines.push('STLS');
  lines.push('IMPLEMENTATION Mailward');
  session.write(multiLine('Capability list follows', lines));
}
