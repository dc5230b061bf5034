// What the security core needs to send mail of its own (alerts, verification codes, reset links); mail/system-mailer.ts implements it.
import { MailwardError } from '../errors/index.js';

export interface SecurityMessage {
  /** One address: a local account (delivered to its INBOX) or a remote one (queued). */
  to: string;
  subject: string;
  /** Plain text; the mailer wraps it in a proper message (From, Date, Message-ID, Auto-Submitted). */
  text: string;
}

export interface SecurityMailer {
  /** Resolves once the message is stored in the INBOX or committed to the outbound queue. */
  send(message: SecurityMessage): Promise<void>;
}

/**
 * The mailer of a process that sends no mail (CLI commands): a send fails loudly rather than
 * dropping a verification code or an alert without a trace.
 */
export const NO_SECURITY_MAILER: SecurityMailer = {
  async send(): Promise<void> {
    throw new MailwardError('INTERNAL', { message: 'system mail is not available in this process' });
  },
};
