// Profile: the display name on the mail the user sends, the webmail's language on every device (or the browser's), and the password hint where hints are enabled; saved with OK.
import { useEffect, useId, useState } from 'react';
import type { ReactElement } from 'react';
import type { ProfileLanguage, ProfileSettings } from '../../../contract/index.js';
import { MAX_DISPLAY_NAME, MAX_HINT, isProfileLanguage } from '../../../contract/limits.js';
import { call } from '../../api.js';
import { FormEnd, TextField, useSaveForm } from '../../components/form.js';
import { LoadedContent } from '../../components/loaded-content.js';
import { useSession } from '../../components/session-context.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { LANGUAGES, LANGUAGE_NAMES, Trans, browserLanguage, changeLanguage, isLanguage, useTranslation } from '../../i18n/index.js';

/** The pages switch at once: to the chosen language, or back to the browser's for "Same as the browser". */
async function followLanguage(language: string): Promise<void> {
  await changeLanguage(isLanguage(language) ? language : browserLanguage());
}

export function ProfilePage(): ReactElement {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const loaded = useAPI('GET /api/v1/settings/profile');
  const [saved, setSaved] = useState<ProfileSettings | undefined>(undefined);
  const [displayName, setDisplayName] = useState('');
  const [language, setLanguage] = useState<ProfileLanguage>('');
  const [hint, setHint] = useState('');
  const languageId = useId();

  useEffect(() => {
    if (!loaded.data) return;
    setSaved(loaded.data);
    setDisplayName(loaded.data.displayName);
    setLanguage(isProfileLanguage(loaded.data.language) ? loaded.data.language : '');
    setHint(loaded.data.hint);
  }, [loaded.data]);

  const form = useSaveForm(async () => {
    if (!saved) return;
    // The hint has its own route (Password settings uses it too), sent first and only when it
    // changed: a hint refused (it gives the password away) leaves the rest unsaved as well.
    if (saved.hintsEnabled && hint.trim() !== saved.hint) await call('PUT /api/v1/security/password-hint', { body: { hint } });
    // The answer reads the account after both changes, the hint included.
    const profile = await call('PUT /api/v1/settings/profile', { body: { displayName, language } });
    setSaved(profile);
    setDisplayName(profile.displayName);
    setLanguage(isProfileLanguage(profile.language) ? profile.language : '');
    setHint(profile.hint);
    await followLanguage(profile.language);
    // The header shows the display name from the session.
    await refresh();
  });

  function edited<T>(set: (value: T) => void): (value: T) => void {
    return (value) => {
      form.edited();
      set(value);
    };
  }

  return (
    <SettingsLayout title={t('common.pages.profile')} intro={t('settings.profile.intro')}>
      <LoadedContent state={loaded} value={saved}>
        {(saved) => (
          <form onSubmit={form.submit} aria-label={t('common.pages.profile')}>
            <p>
              <Trans i18nKey="settings.profile.address" values={{ address: saved.address }} components={{ strong: <strong /> }} />
            </p>
            <TextField
              label={t('settings.profile.displayName')}
              value={displayName}
              onChange={edited(setDisplayName)}
              autoComplete="name"
              maxLength={MAX_DISPLAY_NAME}
              hint={t('settings.profile.displayNameHint')}
            />
            <div className="field">
              <label htmlFor={languageId}>{t('settings.profile.language')}</label>
              <select id={languageId} value={language} onChange={(event) => edited(setLanguage)(isProfileLanguage(event.target.value) ? event.target.value : '')} aria-describedby={`${languageId}-hint`}>
                <option value="">{t('settings.profile.sameAsBrowser')}</option>
                {LANGUAGES.map((code) => (
                  <option key={code} value={code} lang={code}>
                    {LANGUAGE_NAMES[code]}
                  </option>
                ))}
              </select>
              <p id={`${languageId}-hint`} className="hint">
                {t('settings.profile.languageHint')}
              </p>
            </div>
            {saved.hintsEnabled ? (
              <TextField
                label={t('settings.profile.passwordHint')}
                value={hint}
                onChange={edited(setHint)}
                autoComplete="off"
                maxLength={MAX_HINT}
                hint={t('settings.profile.passwordHintHelp')}
              />
            ) : null}
            <FormEnd action={form.action} success={form.saved ? t('settings.profile.saved') : undefined} submit={t('settings.profile.ok')} />
          </form>
        )}
      </LoadedContent>
    </SettingsLayout>
  );
}
