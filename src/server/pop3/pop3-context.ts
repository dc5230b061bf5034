// What every POP3 op needs: the server's dependencies and the session an op works on.
import type { Logger } from 'pino';
import type { Account } from '../../accounts/index.js';
import type { Mailboxes } from '../../mailbox/index.js';
import type { POP3State } from '../../proto/pop3/pop3-command.js';
import type { Security } from '../../security/index.js';
import type { StateStore } from '../../shared-state/index.js';
import type { Maildrop } from './maildrop.js';
import type { MaildropLock } from './maildrop-lock.js';

export type POP3ListenerName = 'pop3' | 'pop3s';

export interface POP3Deps {
  hostname: string;
  security: Security;
  mailboxes: Mailboxes;
  /** Shared state (store.state) for the maildrop lock, so it holds across processes and nodes. */
  state: StateStore;
  logger: Logger;
  now: () => number;
  /** USER/PASS/AUTH before TLS (config pop3.allow_plaintext_auth). */
  allowPlaintextAuth: boolean;
  /** How long a connection may stay unauthenticated (pop3.login_timeout_seconds). */
  loginTimeoutMs: number;
  /** Silence after which an authenticated session is closed without deleting (pop3.autologout_minutes). */
  autologoutMs: number;
  /** Open connections per client address, IPv6 by /64 (pop3.max_connections_per_ip). */
  maxConnectionsPerIp: number;
}

/** What a signed-in session holds until it ends. */
export interface POP3Login {
  account: Account;
  maildrop: Maildrop;
  lock: MaildropLock;
  unregister: () => void;
}

/** The connection as the ops see it. */
export interface POP3Session {
  readonly deps: POP3Deps;
  readonly id: string;
  readonly remoteIp: string;
  /** Whether the connection is encrypted now (implicit TLS, or after STLS). */
  readonly secure: boolean;
  /** Whether STLS is offered: the plain-text listener, before TLS and before login. */
  readonly canStartTLS: boolean;
  readonly state: POP3State;
  readonly logger: Logger;
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | undefined;
  /** Failed sign-ins on this connection (it is closed after a few). */
  authFailures: number;
  /** Set once authenticated (TRANSACTION state). */
  readonly login: POP3Login | undefined;
  /** Queues a reply line or bytes; they go out when the current input is processed (PIPELINING). */
  write(data: string | Buffer): void;
  /** Queues bytes and waits until the socket can take more (streaming RETR without filling memory). */
  send(data: Buffer): Promise<void>;
  /** Marks a multi-line response in progress: a failure now must close the connection, not answer -ERR. */
  streaming: boolean;
  /** The client's next line (SASL responses); undefined when the connection closed first. */
  readContinuation(options: { maxLineBytes: number }): Promise<string | undefined>;
  /** Switches to TLS after "+OK" (STLS). */
  startTLS(): Promise<void>;
  /** Moves to TRANSACTION with the locked maildrop. */
  enterTransaction(login: POP3Login): void;
  /** Sends what is queued, then closes. Deletes nothing (UPDATE is QUIT's job). */
  close(): void;
  /** Ends the session at once with this -ERR line (left out in the middle of a multi-line response); deletes nothing. */
  end(line: string): void;
}
