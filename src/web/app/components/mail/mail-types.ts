// Mail-only shapes the webmail sends: compose attachments, the mail size limit, the special folders and the path of a folder's messages.
/** One attachment of the compose form, as /api/v1/mail/send and /drafts take it (plus its size for the list). */
export interface ComposeAttachment {
  filename: string;
  contentType: string;
  base64: string;
  /** Bytes of the file itself (not of its base64). */
  size: number;
}

/**
 * The attachments of one message may add up to this much. It is smtp.max_message_bytes' default;
 * the server does not publish its own limit yet, so a lower one shows as its TOO_BIG answer.
 */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** The folders every account has; they cannot be renamed or deleted. */
export const SPECIAL_FOLDERS = ['INBOX', 'Drafts', 'Sent', 'Trash', 'Junk', 'Archive'] as const;
export type SpecialFolder = (typeof SPECIAL_FOLDERS)[number];

export function isSpecialFolder(folder: { name: string; specialUse: string | null }): boolean {
  return folder.specialUse !== null || (SPECIAL_FOLDERS as readonly string[]).includes(folder.name);
}

/** The API path of a folder's messages. */
export function messagesPath(folder: string): string {
  return `/api/v1/mail/folders/${encodeURIComponent(folder)}/messages`;
}
