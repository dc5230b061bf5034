// The mailboxes every account has (RFC 6154 special use), created on first use.

export const INBOX = 'INBOX';

export const DEFAULT_MAILBOXES: ReadonlyArray<{ name: string; specialUse: string | null }> = [
  { name: INBOX, specialUse: null },
  { name: 'Drafts', specialUse: 'Drafts' },
  { name: 'Sent', specialUse: 'Sent' },
  { name: 'Trash', specialUse: 'Trash' },
  { name: 'Junk', specialUse: 'Junk' },
  { name: 'Archive', specialUse: 'Archive' },
];
