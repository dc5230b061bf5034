// The limits and choices the server holds requests to, which the webmail's fields show as well; plain values with no schema, so the browser may import them.

/** A password as typed: bounded so a huge body cannot make argon2 hash megabytes. */
export const MAX_PASSWORD = 1024;

/** Characters of a display name (after trimming). */
export const MAX_DISPLAY_NAME = 100;

/** Characters of a password hint. */
export const MAX_HINT = 200;

/** The webmail's languages a profile may choose; '' follows the browser's preference. */
export const PROFILE_LANGUAGES = ['', 'en', 'zh-TW', 'zh-CN'] as const;
export type ProfileLanguage = (typeof PROFILE_LANGUAGES)[number];

export function isProfileLanguage(value: unknown): value is ProfileLanguage {
  return (PROFILE_LANGUAGES as readonly unknown[]).includes(value);
}
