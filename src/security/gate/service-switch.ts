// The per-account switches for the mail services: whether SMTP, IMAP or POP3 lets this account in.
import type { Protocol } from '../../shared-state/index.js';
import type { Account } from '../../accounts/index.js';

export type MailService = 'smtp' | 'imap' | 'pop3';
export type MailServices = Record<MailService, boolean>;

/** Whether the account lets this protocol in; the webmail cannot be closed. */
export function serviceOpen(account: Account, protocol: Protocol): boolean {
  if (protocol === 'smtp') return account.smtpEnabled;
  if (protocol === 'imap') return account.imapEnabled;
  if (protocol === 'pop3') return account.pop3Enabled;
  return true;
}

export function servicesOf(account: Account): MailServices {
  return { smtp: account.smtpEnabled, imap: account.imapEnabled, pop3: account.pop3Enabled };
}
