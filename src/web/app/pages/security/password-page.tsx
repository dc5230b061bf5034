// Password settings: change the password (current, new with a live strength meter, confirm, and the personal security code when it guards the change), and the password hint.
import { useEffect, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api.js';
import type { PasswordSettings } from '../../api-types.js';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form.js';
import { useSession } from '../../components/session-context.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { StrengthMeter } from '../../components/strength-meter.js';
import { useLoad } from '../../components/use-load.js';
import { useTranslation } from '../../i18n/index.js';

function ChangePassword({ settings }: { settings: PasswordSettings | undefined }): ReactElement {
  const { session, refresh } = useSession();
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [securityCode, setSecurityCode] = useState('');
  // Shown from the start when the settings say the code guards the change, and also once the
  // server asks for it (the settings may not have loaded, or changed meanwhile).
  const [codeAsked, setCodeAsked] = useState(false);
  const codeShown = codeAsked || settings?.securityCodeRequired === true;
  const [done, setDone] = useState(false);
  const action = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    setDone(false);
    void action.run(
      async () => {
        // The answer carries the CSRF token of the renewed session; request() keeps it.
        await request('PUT', '/api/v1/security/password', { current, next, confirm, ...(securityCode !== '' ? { securityCode } : {}) });
        setCurrent('');
        setNext('');
        setConfirm('');
        setSecurityCode('');
        setDone(true);
        if (session.mustChangePassword) await refresh();
      },
      (error) => {
        if (error.code === 'SECURITY_CODE_REQUIRED' || error.code === 'SECURITY_CODE_WRONG') setCodeAsked(true);
        return false;
      },
    );
  }

  return (
    <form onSubmit={submit} aria-labelledby="change-password-title">
      <h2 id="change-password-title">{t('security.password.changeTitle')}</h2>
      {session.mustChangePassword ? <p className="message notice">{t('security.password.mustChange')}</p> : null}
      <p className="hint">{t('security.password.rules')}</p>
      <TextField label={t('security.password.current')} type="password" value={current} onChange={setCurrent} autoComplete="current-password" required maxLength={1024} />
      <TextField label={t('security.password.next')} type="password" value={next} onChange={setNext} autoComplete="new-password" required maxLength={1024} />
      {settings ? <StrengthMeter password={next} strength={settings.strength} address={session.address} /> : null}
      <TextField label={t('security.password.confirm')} type="password" value={confirm} onChange={setConfirm} autoComplete="new-password" required maxLength={1024} />
      {codeShown ? (
        <TextField label={t('security.password.securityCode')} type="password" value={securityCode} onChange={setSecurityCode} autoComplete="off" required maxLength={64} />
      ) : null}
      <ErrorMessage>{action.error}</ErrorMessage>
      <SuccessMessage>{done ? t('security.password.changed') : undefined}</SuccessMessage>
      <button type="submit" disabled={action.busy}>
        {t('security.password.submit')}
      </button>
    </form>
  );
}

function PasswordHint({ settings }: { settings: PasswordSettings | undefined }): ReactElement {
  const [hint, setHint] = useState('');
  const { t } = useTranslation();
  // The current hint comes with the settings only where hints are enabled; it fills the field once.
  const current = settings?.hintsEnabled ? settings.hint : undefined;
  useEffect(() => {
    if (current !== undefined) setHint(current);
  }, [current]);
  const [done, setDone] = useState(false);
  const action = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    setDone(false);
    void action.run(async () => {
      await request('PUT', '/api/v1/security/password-hint', { hint });
      setDone(true);
    });
  }

  return (
    <form onSubmit={submit} aria-labelledby="password-hint-title">
      <h2 id="password-hint-title">{t('security.password.hintTitle')}</h2>
      <p className="hint">{t('security.password.hintIntro')}</p>
      {settings && !settings.hintsEnabled ? <p className="hint">{t('security.password.hintsOff')}</p> : null}
      {current !== undefined ? <p className="hint">{t('security.password.currentHint', { hint: current === '' ? t('security.password.noHint') : current })}</p> : null}
      <TextField label={t('security.password.hint')} value={hint} onChange={setHint} autoComplete="off" maxLength={200} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <SuccessMessage>{done ? (hint.trim() === '' ? t('security.password.hintRemoved') : t('security.password.hintSaved')) : undefined}</SuccessMessage>
      <button type="submit" disabled={action.busy}>
        {t('security.password.saveHint')}
      </button>
    </form>
  );
}

export function PasswordPage(): ReactElement {
  const loaded = useLoad<PasswordSettings>('/api/v1/security/password-settings');
  const { t } = useTranslation();
  return (
    <SettingsLayout title={t('common.pages.password')}>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      <ChangePassword settings={loaded.data} />
      <PasswordHint settings={loaded.data} />
    </SettingsLayout>
  );
}
