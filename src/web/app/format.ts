// How times, protocols, sign-in results and waits read on the pages, in the user's language.
import { currentLanguage, i18n } from './i18n/index.js';
import { en as COMMON } from './i18n/messages/common.js';

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return i18n.t('common.format.never');
  return new Date(ms).toLocaleString(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' });
}

/** Protocol names stay as mail clients print them; only the webmail has a word of its own. */
const PROTOCOLS: Record<string, string> = { smtp: 'SMTP', pop3: 'POP3', imap: 'IMAP4' };

export function protocolLabel(protocol: string): string {
  if (protocol === 'web') return i18n.t('common.format.web');
  return PROTOCOLS[protocol] ?? protocol.toUpperCase();
}

type Reason = keyof typeof COMMON.format.reasons;

function isReason(reason: string): reason is Reason {
  return Object.hasOwn(COMMON.format.reasons, reason);
}

export function resultLabel(result: string, reason: string): string {
  if (result === 'success') return i18n.t('common.format.successful');
  return isReason(reason) ? i18n.t('common.format.failedBecause', { why: i18n.t(`common.format.reasons.${reason}`) }) : i18n.t('common.format.failed');
}

/** "3 minutes", "45 seconds": how long to wait before trying again. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return i18n.t('common.format.seconds', { count: Math.max(1, Math.ceil(seconds)) });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return i18n.t('common.format.minutes', { count: minutes });
  return i18n.t('common.format.hours', { count: Math.ceil(minutes / 60) });
}
