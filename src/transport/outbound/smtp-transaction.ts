// One SMTP transaction per hop with nodemailer's client: try the hops in order until one answers, and report what it said per recipient.
import { isIP } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Hop } from './route.js';
import type { RecipientOutcome, SMTPClientError } from './smtp-outcome.js';
import { errorText, oneLine, outcomesOfSend, outcomesOfSendError, temporary } from './smtp-outcome.js';

export interface TransactionInput {
  /** Envelope sender; '' is the null reverse-path of a bounce. */
  mailFrom: string;
  recipients: string[];
  message: Buffer;
  heloName: string;
  connectTimeoutMs: number;
  /** Aborting closes the connection; the result then says `aborted` and nothing about the recipients. */
  signal?: AbortSignal;
}

export type TransactionResult = { aborted: false; outcomes: RecipientOutcome[] } | { aborted: true };

/** RFC 5321 §4.5.3.2.1: wait up to 5 minutes for the greeting. */
const GREETING_TIMEOUT_MS = 5 * 60_000;
/** RFC 5321 §4.5.3.2.6: up to 10 minutes for the reply to the end of DATA (the longest wait). */
const SOCKET_TIMEOUT_MS = 10 * 60_000;

type HopAttempt =
  | { kind: 'session'; outcomes: RecipientOutcome[] }
  | { kind: 'unreachable'; detail: string; tlsFailure: boolean }
  | { kind: 'aborted' };

/** Hides a password and its SASL encodings (PLAIN, LOGIN) in any text a server or the client produced. */
export function maskCredentials(text: string, auth: { user: string; pass: string } | undefined): string {
  if (!auth || auth.pass === '') return text;
  const secrets = [
    auth.pass,
    Buffer.from(auth.pass).toString('base64'),
    Buffer.from(`\u0000${auth.user}\u0000${auth.pass}`).toString('base64'),
    encodeURIComponent(auth.pass),
  ]
    .filter((s) => s.length > 0)
    // Longest first, so a short encoding inside a longer one does not leave the rest behind.
    .sort((a, b) => b.length - a.length);
  let masked = text;
  for (const secret of secrets) masked = masked.split(secret).join('***');
  return masked;
}

function maskOutcome(outcome: RecipientOutcome, hop: Hop): RecipientOutcome {
  return hop.auth ? { ...outcome, diagnostic: maskCredentials(outcome.diagnostic, hop.auth) } : outcome;
}

function connectionFor(hop: Hop, input: TransactionInput, options: { plain: boolean }): SMTPConnection {
  // SNI and the certificate check use the host's name; an IP literal is not a valid SNI name.
  const servername = isIP(hop.name) ? undefined : hop.name;
  return new SMTPConnection({
    host: hop.host,
    port: hop.port,
    secure: hop.tls === 'implicit',
    requireTLS: hop.tls === 'required',
    ignoreTLS: hop.tls === 'none' || options.plain,
    // RFC 7435: an MX whose STARTTLS fails still gets the mail in plain text rather than never.
    opportunisticTLS: hop.tls === 'opportunistic',
    name: input.heloName,
    ...(servername ? { servername } : {}),
    tls: {
      rejectUnauthorized: hop.verifyCertificate,
      ...(servername ? { servername } : {}),
      ...(hop.ca ? { ca: hop.ca } : {}),
    },
    connectionTimeout: input.connectTimeoutMs,
    greetingTimeout: Math.max(input.connectTimeoutMs, Math.min(GREETING_TIMEOUT_MS, input.connectTimeoutMs * 10)),
    socketTimeout: SOCKET_TIMEOUT_MS,
    logger: false,
    debug: false,
  });
}

function attemptHop(hop: Hop, input: TransactionInput, options: { plain: boolean }): Promise<HopAttempt> {
  if (input.signal?.aborted) return Promise.resolve({ kind: 'aborted' });
  const conn = connectionFor(hop, input, options);
  const remoteMTA = hop.name;
  return new Promise<HopAttempt>((resolve) => {
    let done = false;
    let connected = false;
    const finish = (result: HopAttempt): void => {
      if (done) return;
      done = true;
      input.signal?.removeEventListener('abort', onAbort);
      if (result.kind === 'session') conn.quit();
      else conn.close();
      resolve(result);
    };
    const onAbort = (): void => finish({ kind: 'aborted' });
    input.signal?.addEventListener('abort', onAbort, { once: true });
    const everyone = (detail: string): RecipientOutcome[] => input.recipients.map((r) => temporary(r, detail, '4.4.2', remoteMTA));

    conn.on('error', (error: SMTPClientError) => {
      const detail = maskCredentials(`${remoteMTA}: ${errorText(error)}`, hop.auth);
      if (!connected) finish({ kind: 'unreachable', detail, tlsFailure: error.code === 'ETLS' });
      // After the greeting a broken connection concerns the whole transaction: retry it later.
      else finish({ kind: 'session', outcomes: everyone(detail) });
    });
    conn.once('end', () => {
      if (!connected) finish({ kind: 'unreachable', detail: `${remoteMTA}: connection closed`, tlsFailure: false });
      else finish({ kind: 'session', outcomes: everyone(`${remoteMTA}: connection closed during the transaction`) });
    });

    conn.connect(() => {
      connected = true;
      void (async () => {
        if (hop.auth) {
          // Defence in depth beside the config check: credentials never cross a connection without TLS.
          if (!conn.secure) return finish({ kind: 'session', outcomes: everyone(`${remoteMTA}: refusing to authenticate without TLS`) });
          const loginError = await new Promise<SMTPClientError | null>((settle) => conn.login({ user: hop.auth!.user, pass: hop.auth!.pass }, (err) => settle(err)));
          if (loginError) {
            // A refused login is our configuration's fault, not the recipient's: keep the mail queued.
            const detail = maskCredentials(`${remoteMTA}: authentication failed: ${errorText(loginError)}`, hop.auth);
            return finish({ kind: 'session', outcomes: input.recipients.map((r) => temporary(r, detail, '4.7.0', remoteMTA)) });
          }
        }
        conn.send(
          {
            from: input.mailFrom,
            to: input.recipients,
            size: input.message.length,
            // RFC 6152: declare 8-bit content when there is any (sent anyway when not offered, as other MTAs do).
            use8BitMime: input.message.some((byte) => byte > 0x7f),
          },
          input.message,
          (error, info) => {
            if (error || !info) {
              const outcomes = outcomesOfSendError(input.recipients, (error ?? {}) as SMTPClientError, remoteMTA);
              return finish({ kind: 'session', outcomes: outcomes.map((o) => maskOutcome(o, hop)) });
            }
            const outcomes = outcomesOfSend(input.recipients, info as { accepted: string[]; rejectedErrors?: SMTPClientError[]; response: string }, remoteMTA);
            finish({ kind: 'session', outcomes: outcomes.map((o) => maskOutcome(o, hop)) });
          },
        );
      })();
    });
  });
}

/**
 * Delivers one message to its recipients through the first hop that holds a session with us
 * (RFC 5321 §5.1: on a connection failure, try the next MX). Once a host has answered the
 * transaction, its replies are final for this attempt.
 */
export async function deliverThroughHops(hops: Hop[], input: TransactionInput): Promise<TransactionResult> {
  let lastDetail = 'no host to try';
  for (const hop of hops) {
    let attempt = await attemptHop(hop, input, { plain: false });
    if (attempt.kind === 'unreachable' && attempt.tlsFailure && hop.tls === 'opportunistic') {
      // The TLS handshake itself failed (not a refused STARTTLS): try once more in plain text.
      attempt = await attemptHop(hop, input, { plain: true });
    }
    if (attempt.kind === 'aborted') return { aborted: true };
    if (attempt.kind === 'session') return { aborted: false, outcomes: attempt.outcomes };
    lastDetail = attempt.detail;
  }
  return { aborted: false, outcomes: input.recipients.map((r) => temporary(r, oneLine(lastDetail), '4.4.1', hops.at(-1)?.name)) };
}
