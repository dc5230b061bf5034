// The per-account switches for the mail services: whether SMTP, IMAP or POP3 lets this account in.
import type { Protocol } from '../../shared-state/index.js';
import type { AccountRow } from '../../store/index.js';

export type MailService = 'smtp' | 'imap' | 'pop3';
export type MailServices = Record<MailService, boolean>;

/** Whether the account lets this protocol in; the webmail cannot be closed. */
export function serviceOpen(account: AccountRow, protocol: Protocol): boolean {
  if (protocol === 'smtp') return account.smtp_enabled === 1;
  if (protocol === 'imap') return account.imap_enabled === 1;
  if (protocol === 'pop3') return account.pop3_enabled === 1;
  return true;
}

export function servicesOf(account: AccountRow): MailServices {
  return { smtp: account.smtp_enabled === 1, imap: account.imap_enabled === 1, pop3: account.pop3_enabled === 1 };
}
