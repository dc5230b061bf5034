// The capabilities this server advertises, by connection state (RFC 3501 §7.2.1): only what it implements.
import type { IMAPSession } from './imap-context.js';

/** Extensions available after login, each implemented by an op (see ops/). */
const AUTHENTICATED_CAPABILITIES = [
  'LITERAL+',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'UNSELECT',
  'CHILDREN',
  'SPECIAL-USE',
  'CREATE-SPECIAL-USE',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'CONDSTORE',
  'QRESYNC',
  'QUOTA',
  // STORAGE only: accounts have a byte limit and no message-count limit, so RES-MESSAGE would promise a limit that does not exist.
  'QUOTA=RES-STORAGE',
  'ESEARCH',
  // RFC 3516, part of IMAP4rev2: FETCH BINARY[], BINARY.SIZE[].
  'BINARY',
  'UTF8=ACCEPT',
  'STATUS=SIZE',
];

export function capabilitiesFor(options: { session: IMAPSession; allowPlaintextAuth: boolean; maxMessageBytes: number }): string[] {
  const { session } = options;
  const caps = ['IMAP4rev1', 'IMAP4rev2'];
  if (session.state === 'not-authenticated') {
    const loginAllowed = session.secure || options.allowPlaintextAuth;
    if (!session.secure) caps.push('STARTTLS');
    if (loginAllowed) caps.push('AUTH=PLAIN', 'AUTH=LOGIN', 'SASL-IR');
    else caps.push('LOGINDISABLED');
    // Before login every literal waits for our go-ahead beyond 4 KB (RFC 7888 LITERAL-).
    caps.push('LITERAL-', 'ID', 'ENABLE');
    return caps;
  }
  return [...caps, ...AUTHENTICATED_CAPABILITIES, `APPENDLIMIT=${options.maxMessageBytes}`];
}
