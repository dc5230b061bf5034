// Turns SMTP replies and client errors into one outcome per recipient: delivered, temporary (retry) or permanent (bounce).

export type OutcomeKind = 'delivered' | 'temporary' | 'permanent';

export interface RecipientOutcome {
  recipient: string;
  kind: OutcomeKind;
  /** Enhanced status code (RFC 3463), from the reply when it carries one. */
  status: string;
  /** The remote reply (or our description of what went wrong), one line, secrets masked. */
  diagnostic: string;
  /** The host that answered, for the DSN's Remote-MTA. */
  remoteMTA?: string;
}

/** What nodemailer's SMTP client puts on its errors. */
export interface SMTPClientError {
  message?: string;
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  recipient?: string;
  rejectedErrors?: SMTPClientError[];
}

const ENHANCED = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/;

/** One line, no control characters, bounded: replies end up in logs, DSN headers and `queue list`. */
export function oneLine(text: string, max = 500): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
}

/** The outcome a reply code means (RFC 5321 §4.2.1: 2yz done, 4yz transient, 5yz permanent). */
export function kindOfCode(code: number | undefined): OutcomeKind {
  if (code === undefined || !Number.isFinite(code)) return 'temporary';
  if (code >= 200 && code < 300) return 'delivered';
  if (code >= 500 && code < 600) return 'permanent';
  // 4yz, and anything unexpected: retrying is the safe side, expiry bounds it.
  return 'temporary';
}

/** The enhanced status of a reply, or a generic one of its class (RFC 3463 §3.1: X.0.0). */
export function statusOf(reply: string, kind: OutcomeKind): string {
  const match = ENHANCED.exec(reply.trim());
  const enhanced = match?.[1];
  if (enhanced && enhanced[0] === (kind === 'permanent' ? '5' : kind === 'temporary' ? '4' : '2')) return enhanced;
  return kind === 'permanent' ? '5.0.0' : kind === 'temporary' ? '4.0.0' : '2.0.0';
}

export function outcomeOfReply(recipient: string, reply: string, code: number | undefined, remoteMTA: string): RecipientOutcome {
  const kind = kindOfCode(code);
  return { recipient, kind, status: statusOf(reply, kind), diagnostic: oneLine(reply), remoteMTA };
}

/** A failure of the connection or of our side, not an answer about the recipient: retry later. */
export function temporary(recipient: string, diagnostic: string, status = '4.4.2', remoteMTA?: string): RecipientOutcome {
  return { recipient, kind: 'temporary', status, diagnostic: oneLine(diagnostic), ...(remoteMTA ? { remoteMTA } : {}) };
}

/** The text of an error for humans: the server's reply when there is one, else the client's message. */
export function errorText(error: SMTPClientError): string {
  return oneLine(error.response ?? error.message ?? String(error));
}

/**
 * Outcomes of a failed `send()`. MAIL FROM and DATA failures concern every recipient; when every
 * RCPT was refused, each gets its own reply. Connection failures mid-transaction are temporary:
 * the message may or may not have arrived, and a duplicate is better than a loss.
 */
export function outcomesOfSendError(recipients: string[], error: SMTPClientError, remoteMTA: string): RecipientOutcome[] {
  if (error.code === 'EENVELOPE' && error.command === 'RCPT TO' && error.rejectedErrors?.length) {
    const byRecipient = new Map(error.rejectedErrors.map((e) => [(e.recipient ?? '').toLowerCase(), e]));
    return recipients.map((recipient) => {
      const rejected = byRecipient.get(recipient.toLowerCase());
      if (!rejected) return temporary(recipient, errorText(error), '4.0.0', remoteMTA);
      return outcomeOfReply(recipient, rejected.response ?? errorText(rejected), rejected.responseCode, remoteMTA);
    });
  }
  if (error.code === 'EMESSAGE' && error.responseCode === undefined && error.command === 'MAIL FROM') {
    // nodemailer refuses before sending when the server's SIZE is smaller than the message.
    return recipients.map((recipient) => ({
      recipient,
      kind: 'permanent' as const,
      status: '5.3.4',
      diagnostic: oneLine(`message too big for ${remoteMTA}: ${error.message ?? ''}`),
      remoteMTA,
    }));
  }
  if ((error.code === 'EENVELOPE' || error.code === 'EMESSAGE') && error.responseCode !== undefined) {
    return recipients.map((recipient) => outcomeOfReply(recipient, error.response ?? errorText(error), error.responseCode, remoteMTA));
  }
  return recipients.map((recipient) => temporary(recipient, `${remoteMTA}: ${errorText(error)}`, '4.4.2', remoteMTA));
}

/** Outcomes of a successful `send()`: accepted recipients are delivered, the rest carry their RCPT reply. */
export function outcomesOfSend(
  recipients: string[],
  info: { accepted: string[]; rejectedErrors?: SMTPClientError[]; response: string },
  remoteMTA: string,
): RecipientOutcome[] {
  const accepted = new Set(info.accepted.map((a) => a.toLowerCase()));
  const rejected = new Map((info.rejectedErrors ?? []).map((e) => [(e.recipient ?? '').toLowerCase(), e]));
  return recipients.map((recipient) => {
    const key = recipient.toLowerCase();
    if (accepted.has(key)) return { recipient, kind: 'delivered' as const, status: statusOf(info.response, 'delivered'), diagnostic: oneLine(info.response), remoteMTA };
    const error = rejected.get(key);
    if (error) return outcomeOfReply(recipient, error.response ?? errorText(error), error.responseCode, remoteMTA);
    return temporary(recipient, `${remoteMTA} did not answer for this recipient`, '4.0.0', remoteMTA);
  });
}
