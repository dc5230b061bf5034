// Password settings: change the password (current, new with a live strength meter, confirm, and the personal security code when it guards the change), and the password hint.
import { useState } from 'react';
import type { ReactElement } from 'react';
import type { PasswordSettings } from '../../../contract/index.js';
import { call } from '../../api.js';
import { ConfirmedForm } from '../../components/confirmed-form.js';
import { ErrorMessage } from '../../components/form.js';
import { useSession } from '../../components/session-context.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { StrengthMeter } from '../../components/strength-meter.js';
import { useAPI } from '../../components/use-api.js';
import { useTranslation } from '../../i18n/index.js';

function ChangePassword({ settings }: { settings: PasswordSettings | undefined }): ReactElement {
  const { session, refresh } = useSession();
  const { t } = useTranslation();
  // Shown from the start when the settings say the code guards the change, and also once the
  // server asks for it (the settings may not have loaded, or changed meanwhile).
  const [codeAsked, setCodeAsked] = useState(false);
  const codeShown = codeAsked || settings?.securityCodeRequired === true;
  const secret = { type: 'password', required: true, maxLength: 1024 } as const;

  return (
    <ConfirmedForm
      heading={{ id: 'change-password-title', text: t('security.password.changeTitle') }}
      intro={
        <>
          {session.mustChangePassword ? <p className="message notice">{t('security.password.mustChange')}</p> : null}
          <p className="hint">{t('security.password.rules')}</p>
        </>
      }
      fields={[
        { name: 'current', label: t('security.password.current'), ...secret, autoComplete: 'current-password' },
        {
          name: 'next',
          label: t('security.password.next'),
          ...secret,
          autoComplete: 'new-password',
          after: (next) => (settings ? <StrengthMeter password={next} strength={settings.strength} address={session.address} /> : null),
        },
        { name: 'confirm', label: t('security.password.confirm'), ...secret, autoComplete: 'new-password' },
        ...(codeShown ? [{ name: 'securityCode' as const, label: t('security.password.securityCode'), type: 'password' as const, autoComplete: 'off', maxLength: 64 }] : []),
      ]}
      submit={t('security.password.submit')}
      success={t('security.password.changed')}
      onError={(error) => {
        if (error.code === 'SECURITY_CODE_REQUIRED' || error.code === 'SECURITY_CODE_WRONG') setCodeAsked(true);
        return false;
      }}
      onSubmit={async ({ current, next, confirm, securityCode }) => {
        // The answer carries the CSRF token of the renewed session; call() keeps it.
        await call('PUT /api/v1/security/password', { body: { current, next, confirm, ...(securityCode !== '' ? { securityCode } : {}) } });
        if (session.mustChangePassword) await refresh();
      }}
    />
  );
}

function PasswordHint({ settings }: { settings: PasswordSettings | undefined }): ReactElement {
  const { t } = useTranslation();
  // The current hint comes with the settings only where hints are enabled; it fills the field once.
  const current = settings?.hintsEnabled ? settings.hint : undefined;
  return (
    <ConfirmedForm
      // A new form when the hint arrives, so the field starts with it.
      key={current ?? ''}
      heading={{ id: 'password-hint-title', text: t('security.password.hintTitle') }}
      intro={
        <>
          <p className="hint">{t('security.password.hintIntro')}</p>
          {settings && !settings.hintsEnabled ? <p className="hint">{t('security.password.hintsOff')}</p> : null}
          {current !== undefined ? <p className="hint">{t('security.password.currentHint', { hint: current === '' ? t('security.password.noHint') : current })}</p> : null}
        </>
      }
      fields={[{ name: 'hint', label: t('security.password.hint'), initial: current ?? '', autoComplete: 'off', maxLength: 200, required: false }]}
      keepValues
      submit={t('security.password.saveHint')}
      success={({ hint }) => (hint.trim() === '' ? t('security.password.hintRemoved') : t('security.password.hintSaved'))}
      onSubmit={async ({ hint }) => call('PUT /api/v1/security/password-hint', { body: { hint } })}
    />
  );
}

export function PasswordPage(): ReactElement {
  const loaded = useAPI('GET /api/v1/security/password-settings');
  const { t } = useTranslation();
  return (
    <SettingsLayout title={t('common.pages.password')}>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      <ChangePassword settings={loaded.data} />
      <PasswordHint settings={loaded.data} />
    </SettingsLayout>
  );
}
