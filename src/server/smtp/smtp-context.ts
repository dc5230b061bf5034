// What every SMTP handler needs, and the per-session state Mailward keeps beside smtp-server's session.
import type { SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import type { Account } from '../../accounts/index.js';
import type { InboundDelivery, RecipientResolver, Submission } from '../../transport/index.js';
import type { Security } from '../../security/index.js';
import type { SMTPTimeouts } from './smtp-session-clock.js';

export type SMTPListenerKind = 'mx' | 'submission';

export interface SMTPDeps {
  hostname: string;
  security: Security;
  recipients: RecipientResolver;
  inbound: InboundDelivery;
  submission: Submission;
  logger: Logger;
  maxMessageBytes: number;
  maxRecipients: number;
  maxClients: number;
  /** Connections per client address and per IPv4 /24 or IPv6 /64 on each listener, and who is exempt. */
  limits: { perAddress: number; perNetwork: number; isExempt: (ip: string) => boolean };
  /** How long a client may keep a connection waiting (smtp.*_timeout_seconds, smtp.min_data_rate_bytes_per_second). */
  timeouts: SMTPTimeouts;
  allowPlaintextAuth: boolean;
  /** Reverses an SRS address we issued (bounces to forwarded mail); null when it is not one of ours or has expired. */
  reverseSRS?: (address: string) => string | null;
}

export interface SessionState {
  account?: Account;
  unregister?: () => void;
  /** Local recipients accepted by RCPT TO on the MX, by address. */
  localRecipients: Map<string, number>;
  /** Bounces to SRS addresses on the MX: recipient as given → the original sender to return it to. */
  srsReturns: Map<string, string>;
}

const states = new WeakMap<SMTPServerSession, SessionState>();

export function stateOf(session: SMTPServerSession): SessionState {
  let state = states.get(session);
  if (!state) {
    state = { localRecipients: new Map(), srsReturns: new Map() };
    states.set(session, state);
  }
  return state;
}

export function tlsInfo(session: SMTPServerSession): { protocol?: string; cipher?: string } | undefined {
  if (!session.secure) return undefined;
  const info = session.tlsOptions;
  return info ? { protocol: info.version, cipher: info.name } : {};
}
