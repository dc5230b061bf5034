// Trace and identity headers added to mail on its way in (Received, RFC 5321 §4.4) and missing ones on submission (RFC 6409 §8).
import { randomBytes } from 'node:crypto';

/** RFC 5322 date-time in UTC, e.g. "Mon, 23 Nov 2026 13:25:08 +0000". */
export function rfc5322Date(time: number): string {
  return new Date(time).toUTCString().replace('GMT', '+0000');
}

/** Strips what must not reach a header from client-supplied text (EHLO names, addresses). */
function headerSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f()\\;]/g, '').slice(0, 255);
}

/** What the SMTP session tells of a message: the client's EHLO name and address, and the TLS it came over (none in plain text). */
export interface SMTPSessionFacts {
  helo: string;
  remoteIp: string;
  tls?: { protocol?: string; cipher?: string };
}

export function receivedHeader(session: SMTPSessionFacts, options: { hostname: string; authenticated: boolean; recipient?: string; time: number }): string {
  // RFC 3848: ESMTP, ESMTPS (TLS), ESMTPA (authenticated), ESMTPSA (both).
  const protocol = `ESMTP${session.tls ? 'S' : ''}${options.authenticated ? 'A' : ''}`;
  const id = randomBytes(8).toString('hex');
  const tls = session.tls?.protocol ? ` (version=${headerSafe(session.tls.protocol)} cipher=${headerSafe(session.tls.cipher ?? '')})` : '';
  const forPart = options.recipient ? `\r\n\tfor <${headerSafe(options.recipient)}>` : '';
  return (
    `Received: from ${headerSafe(session.helo) || 'unknown'} ([${headerSafe(session.remoteIp)}])\r\n` +
    `\tby ${options.hostname} (Mailward) with ${protocol}${tls} id ${id}${forPart};\r\n` +
    `\t${rfc5322Date(options.time)}\r\n`
  );
}

export function newMessageId(hostname: string): string {
  return `<${randomBytes(12).toString('hex')}@${hostname}>`;
}

/** The header block of a raw message (up to the blank line), lower-cased field names present. */
export function headerNames(raw: Buffer): Set<string> {
  const end = raw.indexOf('\r\n\r\n');
  const endLF = raw.indexOf('\n\n');
  const stop = end >= 0 ? end : endLF >= 0 ? endLF : raw.length;
  const names = new Set<string>();
  for (const line of raw.subarray(0, stop).toString('latin1').split(/\r?\n/)) {
    const match = /^([^\s:]+):/.exec(line);
    if (match?.[1]) names.add(match[1].toLowerCase());
  }
  return names;
}
