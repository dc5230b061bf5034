// The webmail's languages: i18next set up with every catalogue, the language picked from the user's choice or the browser, and <html lang> kept true.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language, Translation } from './resources.js';
import { LANGUAGES, TRANSLATIONS, isLanguage, pickLanguage } from './resources.js';

export type { Language } from './resources.js';
export { LANGUAGES, LANGUAGE_NAMES, isLanguage } from './resources.js';
export { Trans, useTranslation } from 'react-i18next';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Translation };
  }
}

/** The language chosen on this browser before signing in (not a secret; the signed-in choice is on the server). */
const STORAGE_KEY = 'mailward.language';

function storedLanguage(): Language | undefined {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function browserLanguage(): Language {
  return storedLanguage() ?? pickLanguage(navigator.languages.length ? navigator.languages : [navigator.language]);
}

export function setupI18n(): void {
  const language = browserLanguage();
  void i18next.use(initReactI18next).init({
    resources: Object.fromEntries(LANGUAGES.map((lang) => [lang, { translation: TRANSLATIONS[lang] }])),
    lng: language,
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    // React escapes what it renders; escaping here as well would show entities.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  document.documentElement.lang = language;
}

/** Switches every page at once; `remember` keeps the choice for this browser's sign-in page. */
export async function changeLanguage(language: Language, options: { remember?: boolean } = {}): Promise<void> {
  if (options.remember) {
    try {
      window.localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // Storage may be off (private mode); the choice then lasts this page load.
    }
  }
  document.documentElement.lang = language;
  if (i18next.language !== language) await i18next.changeLanguage(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}

/** i18next itself, for words outside components (formatters, the API helper); components use useTranslation(). */
export { i18next as i18n };
