// Every language's messages, put together by area; pure data, so tests read it without a browser.
import * as auth from './messages/auth.js';
import * as common from './messages/common.js';
import * as mail from './messages/mail.js';
import * as security from './messages/security.js';
import * as settings from './messages/settings.js';
import type { Shape } from './shape.js';

export const LANGUAGES = ['en', 'zh-TW', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, as a language menu shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-TW': '繁體中文', 'zh-CN': '简体中文' };

const EN = { common: common.en, auth: auth.en, security: security.en, mail: mail.en, settings: settings.en };

export type Translation = typeof EN;

export const TRANSLATIONS: Record<Language, Shape<Translation>> = {
  en: EN,
  'zh-TW': { common: common.zhTW, auth: auth.zhTW, security: security.zhTW, mail: mail.zhTW, settings: settings.zhTW },
  'zh-CN': { common: common.zhCN, auth: auth.zhCN, security: security.zhCN, mail: mail.zhCN, settings: settings.zhCN },
};

/**
 * The language for a browser's preference list (navigator.languages): Chinese for Taiwan, Hong Kong,
 * Macau or in traditional script is zh-TW, any other Chinese zh-CN, and English otherwise.
 */
export function pickLanguage(tags: readonly string[]): Language {
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (lower === 'en' || lower.startsWith('en-')) return 'en';
    if (lower === 'zh' || lower.startsWith('zh-')) {
      return /^zh-(tw|hk|mo|hant)(-|$)/.test(lower) ? 'zh-TW' : 'zh-CN';
    }
  }
  return 'en';
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}
