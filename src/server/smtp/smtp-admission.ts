// Who may open an SMTP connection, decided as the TCP connection is accepted: per-address and per-network caps and max_clients, with a 421 for the rest.
import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { canonicalIp, networkOf } from '../../security/index.js';
import { ConnectionLimiter } from '../limits/connection-limiter.js';
import type { TLSManager } from '../tls/index.js';

export interface SMTPAdmissionOptions {
  /** Our name, the first word of every reply text (RFC 5321 §4.2). */
  hostname: string;
  /** The listener's name, for log lines. */
  listener: string;
  /** The port speaks TLS from the first byte (SMTPS): a refusal then needs a handshake first. */
  implicitTLS: boolean;
  tls: TLSManager;
  logger: Logger;
  maxClients: number;
  perAddress: number;
  perNetwork: number;
  /** Clients none of the caps apply to (smtp.trusted_relays, smtp.connection_limit_exempt). */
  isExempt: (ip: string) => boolean;
}

/** How long a refused client has to read its 421 and close before its socket is destroyed. */
const REFUSAL_LINGER_MS = 2_000;
/** How long a refused SMTPS client may take over the handshake that carries its 421. */
const REFUSAL_HANDSHAKE_MS = 10_000;
/** Refusals at once that may still be waiting for a TLS handshake; past this, refused SMTPS sockets are dropped without a word. */
const MAX_REFUSAL_HANDSHAKES = 64;

/** Exempt clients may go this far past max_clients: a tenth more, at least 10, so a flood from elsewhere cannot starve them. */
export function exemptReserve(maxClients: number): number {
  return Math.max(10, Math.ceil(maxClients / 10));
}

/**
 * The connection caps of one SMTP listener. A slot is taken when the TCP connection is accepted,
 * so a client still in its TLS handshake (SMTPS) counts as much as one in a session, and given
 * back when the socket closes. Each address counts for itself (an IPv4-mapped client as its IPv4
 * address), and the addresses of one IPv4 /24 or IPv6 /64 add up: whoever has one address of an
 * IPv6 /64 usually has all of them.
 */
export class SMTPAdmission {
  readonly #options: SMTPAdmissionOptions;
  readonly #limiter: ConnectionLimiter;
  readonly #refusals = new Set<net.Socket | tls.TLSSocket>();
  #handshakes = 0;
  #context: tls.SecureContext | undefined;
  readonly #unsubscribe: () => void;

  constructor(options: SMTPAdmissionOptions) {
    this.#options = options;
    this.#limiter = new ConnectionLimiter({
      caps: [
        { scope: 'address', keyOf: canonicalIp, max: options.perAddress },
        { scope: 'network', keyOf: (ip) => networkOf(ip, { ipv4Prefix: 24, ipv6Prefix: 64 }), max: options.perNetwork },
        { scope: 'listener', keyOf: () => '*', max: options.maxClients },
      ],
      exempt: options.isExempt,
      logger: options.logger,
      door: options.listener,
    });
    this.#unsubscribe = options.tls.onReload(() => {
      this.#context = undefined;
    });
  }

  /**
   * Takes a slot for `socket` and hands it to `open`, or answers it with 421 and closes it. The
   * slot is given back when the socket closes, whatever happened in between.
   */
  accept(socket: net.Socket, open: (socket: net.Socket) => void): void {
    if (socket.destroyed || socket.remoteAddress === undefined) {
      // Reset by the client between the kernel's accept and ours: nothing to count or answer.
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    const admission = this.#limiter.admit(socket.remoteAddress);
    if (admission.admitted) {
      socket.once('close', admission.release);
      open(socket);
      return;
    }
    // 4.7.0 for a policy of ours about this client (RFC 3463), 4.3.2 when the listener itself is full.
    const reply =
      admission.scope === 'listener'
        ? `421 4.3.2 ${this.#options.hostname} Too many connected clients, try again later\r\n`
        : `421 4.7.0 ${this.#options.hostname} Too many connections from your ${admission.scope}, try again later\r\n`;
    this.#refuse(socket, reply);
  }

  /** Connections counted under `key` of a cap (for tests and metrics). */
  count(scope: 'address' | 'network' | 'listener', key: string): number {
    return this.#limiter.count(scope, key);
  }

  /** Ends refusals still in progress; slots of admitted sockets are given back as they close. */
  close(): void {
    this.#unsubscribe();
    this.#limiter.close();
    for (const socket of [...this.#refusals]) socket.destroy();
  }

  #refuse(socket: net.Socket, reply: string): void {
    socket.on('error', () => undefined);
    if (!this.#options.implicitTLS) {
      this.#answer(socket, reply);
      return;
    }
    if (this.#handshakes >= MAX_REFUSAL_HANDSHAKES) {
      // No handshake has started on it, so nothing is torn down under TLS.
      socket.destroy();
      return;
    }
    this.#handshakes += 1;
    this.#context ??= tls.createSecureContext(this.#options.tls.credentials);
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: this.#context });
    this.#refusals.add(secure);
    secure.on('error', () => undefined);
    // The handshake deadline belongs on the TLS socket: destroying the raw one under a handshake in progress is not safe.
    secure.setTimeout(REFUSAL_HANDSHAKE_MS, () => secure.destroy());
    let counted = true;
    const done = (): void => {
      if (counted) this.#handshakes -= 1;
      counted = false;
    };
    secure.once('secure', () => {
      done();
      secure.setTimeout(0);
      this.#answer(secure, reply);
    });
    secure.once('close', () => {
      done();
      this.#refusals.delete(secure);
    });
  }

  /** Writes the 421, reads and drops whatever the client still sends, and closes. */
  #answer(socket: net.Socket | tls.TLSSocket, reply: string): void {
    this.#refusals.add(socket);
    socket.end(reply);
    socket.resume();
    const linger = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
    linger.unref();
    socket.once('close', () => {
      clearTimeout(linger);
      this.#refusals.delete(socket);
    });
  }
}
