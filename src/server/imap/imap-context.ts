// What every IMAP op sees: the server's dependencies, the connection's state, and how to answer.
import type { Logger } from 'pino';
import type { Account } from '../../accounts/index.js';
import type { Mailboxes } from '../../mailbox/index.js';
import type { IMAPCommandSpec, IMAPRequestBase } from '../../proto/imap/commands/imap-command-spec.js';
import type { ResponseCode, TaggedStatus } from '../../proto/imap/imap-response.js';
import type { Security } from '../../security/index.js';
import type { EventBus } from '../../shared-state/index.js';
import type { SelectedMailbox } from './selected-mailbox.js';

export interface IMAPDeps {
  hostname: string;
  security: Security;
  mailboxes: Mailboxes;
  events: EventBus;
  logger: Logger;
  now: () => number;
  allowPlaintextAuth: boolean;
  maxConnectionsPerAccount: number;
  maxConnectionsPerIp: number;
  loginTimeoutMs: number;
  autologoutMs: number;
  /** Largest APPEND literal; advertised as APPENDLIMIT. */
  maxMessageBytes: number;
}

export type IMAPState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export const ANY_STATE: readonly IMAPState[] = ['not-authenticated', 'authenticated', 'selected'];
export const AUTHENTICATED: readonly IMAPState[] = ['authenticated', 'selected'];
export const SELECTED: readonly IMAPState[] = ['selected'];
export const NOT_AUTHENTICATED: readonly IMAPState[] = ['not-authenticated'];

/** Per-connection state that ops read and change. */
export interface IMAPSession {
  state: IMAPState;
  /** Connection id for logs (never shown to other users). */
  id: string;
  remoteIp: string;
  secure: boolean;
  account?: Account;
  selected?: SelectedMailbox;
  /** Extensions turned on with ENABLE (RFC 5161): CONDSTORE, QRESYNC, UTF8=ACCEPT, IMAP4REV2. */
  enabled: Set<string>;
  /** CONDSTORE is active once ENABLEd or used by any command (RFC 7162 §3.1). */
  condstore: boolean;
  /** The client's name from ID (RFC 2971), for login records. */
  clientName: string;
}

/** How a command ended; OK without a code by default. */
export interface CommandResult {
  status?: TaggedStatus;
  code?: ResponseCode;
  text?: string;
}

/** What an op may do on its connection. */
export interface IMAPCommandContext {
  readonly deps: IMAPDeps;
  readonly session: IMAPSession;
  /** Writes bytes (untagged responses) in order; resolves when the socket has taken them (back-pressure). */
  write(data: Buffer | readonly Buffer[]): Promise<void>;
  /** Reads the next line the client sends (AUTHENTICATE responses, IDLE's DONE), without CRLF; undefined when the connection closed. */
  readLine(): Promise<string | undefined>;
  /** Whether strings in responses may be UTF-8 (UTF8=ACCEPT or IMAP4rev2 enabled). */
  readonly utf8: boolean;
  /** Upgrades the connection to TLS after the tagged OK is written (STARTTLS). */
  startTLS(): Promise<void>;
  /** Called when the account logs in: registers the session, sets timeouts. */
  loggedIn(result: { account: Account; credential: 'password' | 'app_password'; appPasswordId: number | null; authenticatedAt: number }): Promise<void>;
  /** Sends untagged updates of the selected mailbox now (IDLE, NOOP). */
  flushUpdates(options: { allowExpunge: boolean }): Promise<void>;
  /** Waits for a line from the client (IDLE's DONE), a doorbell for the account's mailboxes, or `ms` (reported as a change). */
  waitForLineOrChange(ms: number): Promise<{ kind: 'line'; line: string | undefined } | { kind: 'change' }>;
  /** Closes the connection after the current response (LOGOUT). */
  close(): void;
  /** The capabilities to advertise now. */
  capabilities(): string[];
}

/** What a command does with its typed request. */
export interface IMAPOp<R extends IMAPRequestBase = IMAPRequestBase> {
  /** Reads the command's arguments into its request, before run and after the state check. */
  readonly grammar: IMAPCommandSpec<R>;
  /** The states the command is valid in; any other gets a tagged BAD before anything runs. */
  readonly states: readonly IMAPState[];
  /**
   * Whether EXPUNGE responses may be sent at the end of this command (RFC 3501 §7.4.1: not
   * during FETCH, STORE or SEARCH, where sequence numbers must stay put).
   */
  readonly allowExpungeUpdates?: boolean;
  run(context: IMAPCommandContext, request: R): Promise<CommandResult | void>;
}
