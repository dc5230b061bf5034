// Builds RFC 3464 delivery status notifications (multipart/report; report-type=delivery-status) for recipients that failed.
import { randomBytes } from 'node:crypto';
import { newMessageId, rfc5322Date } from '../trace-headers.js';
import { oneLine } from './smtp-outcome.js';

export interface FailedRecipient {
  /** The envelope recipient we tried. */
  address: string;
  /** RFC 3461 ORCPT as given at submission ("rfc822;addr"), if any. */
  originalRecipient?: string;
  /** Enhanced status (RFC 3463), e.g. 5.1.1, or 4.4.7 when the queue lifetime ran out. */
  status: string;
  remoteMTA?: string;
  /** The remote reply or our reason, e.g. "550 5.1.1 no such user". */
  diagnostic: string;
  lastAttemptAt: number;
}

export interface DSNInput {
  /** This server: Reporting-MTA and the domain of MAILER-DAEMON. */
  hostname: string;
  /** The original envelope sender, who receives the report. */
  to: string;
  arrivalDate: number;
  envelopeId?: string | null;
  recipients: FailedRecipient[];
  /** The original message (or undefined when its body is gone). */
  original: Buffer | undefined;
  /** RET=FULL (RFC 3461 §4.3): return the whole message; otherwise only its header. */
  returnFull: boolean;
  now: number;
}

/**
 * A whole message is returned only up to this size; a larger one comes back as its header, as
 * RFC 3461 §4.3 allows, so a bounce of a 25 MB message does not double the sender's burden.
 */
export const DSN_FULL_RETURN_LIMIT = 10 * 1024 * 1024;

/** RFC 3464 §2.1.2: values are text on one line; strip anything that could start a new field. */
function field(value: string): string {
  return oneLine(value, 900);
}

/** The header block of a message, up to (without) the blank line; CRLF line ends. */
export function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  if (crlf >= 0) return raw.subarray(0, crlf + 2);
  const lf = raw.indexOf('\n\n');
  return lf >= 0 ? Buffer.from(raw.subarray(0, lf + 1).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1') : raw;
}

function humanText(input: DSNInput): string {
  const expired = input.recipients.some((r) => r.status === '4.4.7');
  const lines = [
    `This is the mail system at ${input.hostname}.`,
    '',
    expired
      ? 'Your message could not be delivered to the recipients below before it expired in the queue.'
      : 'Your message could not be delivered to the recipients below. This is a permanent error.',
    '',
    ...input.recipients.flatMap((r) => [`<${field(r.address)}>:`, `    ${field(r.diagnostic)}`, '']),
    'The delivery report and the original message header are attached.',
  ];
  return lines.join('\r\n') + '\r\n';
}

function deliveryStatus(input: DSNInput): string {
  const perMessage = [
    `Reporting-MTA: dns; ${input.hostname}`,
    ...(input.envelopeId ? [`Original-Envelope-Id: ${field(input.envelopeId)}`] : []),
    `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`,
  ];
  const perRecipient = input.recipients.map((r) =>
    [
      `Final-Recipient: rfc822; ${field(r.address)}`,
      ...(r.originalRecipient ? [`Original-Recipient: ${field(r.originalRecipient)}`] : []),
      'Action: failed',
      `Status: ${r.status}`,
      ...(r.remoteMTA ? [`Remote-MTA: dns; ${field(r.remoteMTA)}`] : []),
      `Diagnostic-Code: smtp; ${field(r.diagnostic)}`,
      `Last-Attempt-Date: ${rfc5322Date(r.lastAttemptAt)}`,
    ].join('\r\n'),
  );
  return [perMessage.join('\r\n'), ...perRecipient].join('\r\n\r\n') + '\r\n';
}

/** The complete DSN message, CRLF line ends, ready to store or send. */
export function buildDSN(input: DSNInput): Buffer {
  const boundary = `=_mailward-dsn-${randomBytes(12).toString('hex')}`;
  const full = input.returnFull && input.original !== undefined && input.original.length <= DSN_FULL_RETURN_LIMIT;
  const returned = input.original === undefined ? Buffer.alloc(0) : full ? input.original : headerBlock(input.original);
  const expired = input.recipients.some((r) => r.status === '4.4.7');
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.hostname}>`,
    `To: <${field(input.to)}>`,
    `Subject: ${expired ? 'Undelivered Mail (expired in queue)' : 'Undelivered Mail Returned to Sender'}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: ${newMessageId(input.hostname)}`,
    // RFC 3834 §5: automatic responders must not answer this.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    '',
    'This is a MIME-formatted delivery status notification.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    'Content-Description: Notification',
    '',
    humanText(input),
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    'Content-Description: Delivery report',
    '',
    deliveryStatus(input),
    `--${boundary}`,
    full ? 'Content-Type: message/rfc822' : 'Content-Type: text/rfc822-headers',
    full ? 'Content-Description: Undelivered message' : 'Content-Description: Undelivered message header',
    '',
    '',
  ].join('\r\n');
  const tail = `${returned.length > 0 && !returned.subarray(-2).equals(Buffer.from('\r\n')) ? '\r\n' : ''}\r\n--${boundary}--\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), returned, Buffer.from(tail, 'utf8')]);
}
