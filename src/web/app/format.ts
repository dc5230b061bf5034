// How times, protocols and sign-in results read on the pages.

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const PROTOCOLS: Record<string, string> = { web: 'Web', smtp: 'SMTP', pop3: 'POP3', imap: 'IMAP4' };

export function protocolLabel(protocol: string): string {
  return PROTOCOLS[protocol] ?? protocol.toUpperCase();
}

const REASONS: Record<string, string> = {
  bad_credentials: 'wrong password',
  unknown_user: 'unknown account',
  service_closed: 'service closed',
  account_disabled: 'account disabled',
  throttled: 'too many attempts',
  otp_required: 'code required',
  otp_failed: 'wrong code',
  app_password_required: 'app password required',
  app_password_scope: 'app password not allowed for this service',
  must_change_password: 'password change required',
};

export function resultLabel(result: string, reason: string): string {
  if (result === 'success') return 'Successful';
  const why = REASONS[reason];
  return why ? `Failed (${why})` : 'Failed';
}

/** "3 minutes", "45 seconds": how long to wait before trying again. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} second${Math.ceil(seconds) === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}
