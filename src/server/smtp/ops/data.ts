// DATA: the message is read whole (within the size limit), then stored for every recipient before the 250 goes out.
import { randomBytes } from 'node:crypto';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { normalizeAddress } from '../../../lib/index.js';
import { parseAddressList, readHeaderBlock } from '../../../mailbox/mime/index.js';
import { canonicalIp } from '../../../security/index.js';
import type { SMTPDeps, SMTPListenerKind } from '../smtp-context.js';
import { stateOf, tlsInfo } from '../smtp-context.js';
import { replyFor, smtpError } from '../smtp-replies.js';
import { isConnectionGone } from '../smtp-server-adapter.js';

/** Headers past this are refused: parsing cost grows with them and no real message needs more. */
export const MAX_HEADER_BYTES = 256 * 1024;

function headerBytes(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = [crlf, lf].filter((i) => i >= 0).sort((a, b) => a - b)[0];
  return end ?? raw.length;
}

/**
 * The addresses of every From header, lower-cased. Every field counts, not just the first: a
 * message with two From fields (RFC 5322 allows one) is shown by some readers with the second.
 */
function fromAddresses(raw: Buffer): string[] {
  const block = readHeaderBlock(raw, 0);
  return block.fields
    .filter((f) => f.name.toLowerCase() === 'from')
    .flatMap((from) => parseAddressList(from.value))
    .filter((a) => a.mailbox && a.host)
    .map((a) => `${a.mailbox}@${a.host}`.toLowerCase());
}

export function onData(deps: SMTPDeps, kind: SMTPListenerKind) {
  return (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      // Past the limit the rest is drained, not kept: a huge message must not fill memory.
      if (stream.sizeExceeded || size + chunk.length > deps.maxMessageBytes) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.on('error', (error) => {
      // A client gone in the middle of a message (or cut off by a time limit) is routine, and under
      // a slow-loris attack comes by the thousand: debug. Anything else is worth a warning.
      const level = isConnectionGone(error) ? 'debug' : 'warn';
      deps.logger[level]({ err: error, session: session.id }, 'smtp data stream failed');
    });
    stream.on('end', () => {
      void (async () => {
        if (stream.sizeExceeded || size > deps.maxMessageBytes) {
          return callback(smtpError({ code: 552, enhanced: '5.3.4', text: 'Message size exceeds fixed maximum message size' }));
        }
        const raw = Buffer.concat(chunks, size);
        if (headerBytes(raw) > MAX_HEADER_BYTES) {
          return callback(smtpError({ code: 552, enhanced: '5.3.4', text: 'Message header too large' }));
        }
        const state = stateOf(session);
        const envelope = session.envelope;
        const mailFrom = envelope.mailFrom ? envelope.mailFrom.address : '';
        const remoteIp = canonicalIp(session.remoteAddress);
        const helo = session.hostNameAppearsAs ?? '';
        const tls = tlsInfo(session);
        if (kind === 'mx') {
          // One copy per account: an account named twice (its address and an alias) gets one.
          const byAccount = new Map<number, { address: string; accountId: number }>();
          for (const r of envelope.rcptTo) {
            const accountId = state.localRecipients.get(r.address);
            if (accountId !== undefined && !byAccount.has(accountId)) byAccount.set(accountId, { address: normalizeAddress(r.address).address, accountId });
          }
          const recipients = [...byAccount.values()];
          const returns = [...state.srsReturns.values()];
          await deps.inbound.receive({ raw, mailFrom, recipients, remoteIp, helo, ...(tls ? { tls } : {}), ...(returns.length ? { returnTo: returns } : {}) });
          return callback(null, 'Message accepted for delivery');
        }
        const account = state.account;
        if (!account) return callback(smtpError({ code: 530, enhanced: '5.7.0', text: 'Authentication required' }));
        for (const address of fromAddresses(raw)) {
          if (!(await deps.submission.maySendAs(account, address))) {
            return callback(smtpError({ code: 553, enhanced: '5.7.1', text: `From address ${address.slice(0, 100)} is not owned by ${account.address}` }));
          }
        }
        const recipients = envelope.rcptTo.map((r) => ({
          address: r.address,
          ...(r.dsn || envelope.dsn
            ? { dsn: { notify: r.dsn?.notify ?? [], orcpt: r.dsn?.orcpt ? { address: r.dsn.orcpt } : {}, ret: envelope.dsn?.ret ?? null, envid: envelope.dsn?.envid ?? null } }
            : {}),
        }));
        await deps.submission.submit({ account, raw, mailFrom, recipients, remoteIp, helo, ...(tls ? { tls } : {}) });
        callback(null, 'Message accepted');
      })().catch((error: unknown) => {
        const correlationId = randomBytes(6).toString('hex');
        deps.logger.warn({ err: error, session: session.id, correlationId }, 'smtp message refused');
        callback(replyFor(error, { correlationId }));
      });
    });
  };
}
