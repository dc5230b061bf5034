// The language menu of the pages before sign-in: the choice is kept on this browser; signed in, Profile keeps it on the server.
import { useId } from 'react';
import type { ReactElement } from 'react';
import { LANGUAGES, LANGUAGE_NAMES, changeLanguage, currentLanguage, isLanguage, useTranslation } from '../i18n/index.js';

export function LanguageMenu(): ReactElement {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="language-menu">
      <label htmlFor={id}>{t('common.language')}</label>
      <select
        id={id}
        value={currentLanguage()}
        onChange={(event) => {
          if (isLanguage(event.target.value)) void changeLanguage(event.target.value, { remember: true });
        }}
      >
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {LANGUAGE_NAMES[language]}
          </option>
        ))}
      </select>
    </div>
  );
}
