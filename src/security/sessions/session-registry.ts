// Every live session (web session, SMTP/IMAP/POP3 connection) and the revocation check that ends it within a second.
import { randomUUID } from 'node:crypto';
import type { EventBus, MailwardEvent, Protocol } from '../../shared-state/index.js';
import { serviceOpen } from '../gate/service-switch.js';
import type { Account } from '../../accounts/index.js';
import { accountRecords } from '../../accounts/index.js';
import type { Store } from '../../store/index.js';

export type EndReason = 'revoked' | 'account_disabled' | 'account_deleted' | 'password_changed' | 'service_closed' | 'app_password_revoked';

export interface LiveSessionInput {
  accountId: number;
  protocol: Protocol;
  credential: 'password' | 'app_password';
  appPasswordId: number | null;
  /** From AuthenticateResult.authenticatedAt; compared with the account's revocation epochs. */
  authenticatedAt: number;
  ip: string;
  client: string;
  /** Device id when known (issue of devices); protocol connections use protocol + client + IP. */
  deviceId?: string;
  /** Ends the session now: the door sends its goodbye (`* BYE`, `421`, `-ERR`) and closes. */
  end(reason: EndReason): void;
}

export interface LiveSession extends LiveSessionInput {
  id: string;
  node: string;
  startedAt: number;
}

export interface SessionRegistryDeps {
  store: Pick<Store, 'accounts' | 'appPasswords' | 'devices'>;
  events: EventBus;
  now: () => number;
  /** How often every live session is checked against the store (changes made by another process or node). */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
}

const NODE_ID = randomUUID();

/** Why this session may not go on, or undefined when it may. */
export function endReasonFor(
  session: Pick<LiveSession, 'protocol' | 'credential' | 'authenticatedAt'>,
  account: Account | undefined,
  appPasswordExists: boolean,
  options: { deviceValidAfter?: number } = {},
): EndReason | undefined {
  if (!account) return 'account_deleted';
  if (account.status !== 'active') return 'account_disabled';
  if (session.authenticatedAt < account.sessionsValidAfter) return 'revoked';
  // The device log's Force logout: every session of that one device.
  if (options.deviceValidAfter !== undefined && session.authenticatedAt < options.deviceValidAfter) return 'revoked';
  if (session.credential === 'password' && session.authenticatedAt < account.passwordSessionsValidAfter) {
    return 'password_changed';
  }
  if (!serviceOpen(account, session.protocol)) return 'service_closed';
  if (session.credential === 'app_password' && !appPasswordExists) return 'app_password_revoked';
  return undefined;
}

const ACCOUNT_EVENTS = new Set<MailwardEvent['type']>([
  'SessionsRevoked',
  'AccountDisabled',
  'PasswordChanged',
  'ServicesChanged',
  'AppPasswordRevoked',
  'DeviceLoggedOut',
]);

export class SessionRegistry {
  readonly #sessions = new Map<string, LiveSession>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #polling: Promise<void> | undefined;
  /** Checks started by events, so stop() can wait for them as for a poll. */
  readonly #checking = new Set<Promise<void>>();

  constructor(private readonly deps: SessionRegistryDeps) {}

  /** Starts following events (immediate) and polling the store (changes from the CLI or other nodes). */
  start(): void {
    this.#unsubscribe = this.deps.events.subscribe((event) => {
      if (!('accountId' in event) || event.accountId === null || !ACCOUNT_EVENTS.has(event.type)) return;
      if (event.type === 'SessionsRevoked' && event.exceptSessionId) this.spare(event.exceptSessionId, event.at);
      const check = this.checkAccount(event.accountId).then(
        () => undefined,
        (error: unknown) => this.deps.onError?.(error),
      );
      this.#checking.add(check);
      void check.finally(() => this.#checking.delete(check));
    });
    this.#timer = setInterval(() => {
      // One poll at a time; a slow store must not pile them up.
      this.#polling ??= this.checkAll()
        .catch((error: unknown) => this.deps.onError?.(error))
        .finally(() => {
          this.#polling = undefined;
        });
    }, this.deps.pollIntervalMs ?? 1000);
    this.#timer.unref();
  }

  /** Stops following and polling; resolves once a poll or check in progress has finished (before the store closes). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe?.();
    this.#timer = undefined;
    this.#unsubscribe = undefined;
    await Promise.all([this.#polling, ...this.#checking]);
  }

  register(input: LiveSessionInput): { id: string; unregister(): void } {
    const session: LiveSession = { ...input, id: randomUUID(), node: NODE_ID, startedAt: this.deps.now() };
    this.#sessions.set(session.id, session);
    return { id: session.id, unregister: () => void this.#sessions.delete(session.id) };
  }

  /**
   * Keeps one session (the one making a change) through a revocation at `at` by re-stamping it
   * after the new epoch. Called before the epoch is written, so a poll between that write and the
   * event cannot end it.
   */
  spare(sessionId: string, at: number): void {
    const keep = this.#sessions.get(sessionId);
    if (keep) keep.authenticatedAt = Math.max(keep.authenticatedAt, at);
  }

  list(accountId?: number): LiveSession[] {
    return [...this.#sessions.values()].filter((s) => accountId === undefined || s.accountId === accountId);
  }

  /** Re-checks one account's sessions now; ends those that may not go on. Returns how many ended. */
  async checkAccount(accountId: number): Promise<number> {
    const sessions = this.list(accountId);
    if (sessions.length === 0) return 0;
    const account = await accountRecords(this.deps.store).findById(accountId);
    const appPasswordIds = sessions.some((s) => s.credential === 'app_password')
      ? new Set((await this.deps.store.appPasswords.listForAccount(accountId)).map((a) => a.id))
      : new Set<number>();
    const deviceEpochs = new Map<string, number>();
    if (sessions.some((s) => s.deviceId !== undefined)) {
      for (const device of await this.deps.store.devices.listForAccount(accountId)) deviceEpochs.set(device.id, device.sessions_valid_after);
    }
    let ended = 0;
    for (const session of sessions) {
      const deviceValidAfter = session.deviceId !== undefined ? deviceEpochs.get(session.deviceId) : undefined;
      const reason = endReasonFor(session, account, session.appPasswordId !== null && appPasswordIds.has(session.appPasswordId), deviceValidAfter !== undefined ? { deviceValidAfter } : {});
      if (!reason || !this.#sessions.has(session.id)) continue;
      this.#sessions.delete(session.id);
      ended++;
      try {
        session.end(reason);
      } catch (error) {
        this.deps.onError?.(error);
      }
    }
    return ended;
  }

  async checkAll(): Promise<void> {
    const accounts = new Set([...this.#sessions.values()].map((s) => s.accountId));
    for (const accountId of accounts) await this.checkAccount(accountId);
  }
}
