// IMAP flags as Mailward stores them: five system flags as columns, keywords as a space-separated list.

export interface MessageFlags {
  seen?: boolean;
  answered?: boolean;
  flagged?: boolean;
  deleted?: boolean;
  draft?: boolean;
  keywords?: string[];
}

/** RFC 3501 flag-keyword: an atom without the characters IMAP reserves. */
const KEYWORD = /^[^\s(){%*"\\\]\u0000-\u001f\u007f]{1,100}$/;

export function isValidKeyword(keyword: string): boolean {
  return KEYWORD.test(keyword) && !keyword.startsWith('\\');
}

export function flagColumns(flags: MessageFlags = {}): {
  seen: number;
  answered: number;
  flagged: number;
  deleted: number;
  draft: number;
  keywords: string;
} {
  const keywords = [...new Set((flags.keywords ?? []).filter(isValidKeyword))];
  return {
    seen: flags.seen ? 1 : 0,
    answered: flags.answered ? 1 : 0,
    flagged: flags.flagged ? 1 : 0,
    deleted: flags.deleted ? 1 : 0,
    draft: flags.draft ? 1 : 0,
    keywords: keywords.join(' '),
  };
}
