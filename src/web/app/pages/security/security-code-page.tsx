// Personal security code: set or change it with the account password; where the administrator turns the mechanism on, it guards password changes and forwarding.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api.js';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useTranslation } from '../../i18n/index.js';

export function SecurityCodePage(): ReactElement {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const action = useAction();
  const { t } = useTranslation();

  function submit(event: FormEvent): void {
    event.preventDefault();
    setDone(false);
    // Checked here too, so a typo is caught before the password is spent on the throttle.
    setMismatch(code !== confirm);
    if (code !== confirm) return;
    void action.run(async () => {
      await request('PUT', '/api/v1/security/security-code', { password, code });
      setPassword('');
      setCode('');
      setConfirm('');
      setDone(true);
    });
  }

  return (
    <SettingsLayout title={t('common.pages.securityCode')}>
      <p>{t('security.securityCode.intro')}</p>
      <form onSubmit={submit} aria-label={t('security.securityCode.form')}>
        <TextField label={t('security.common.accountPassword')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
        <TextField
          label={t('security.securityCode.code')}
          type="password"
          value={code}
          onChange={setCode}
          autoComplete="off"
          required
          maxLength={64}
          hint={t('security.securityCode.codeHint')}
        />
        <TextField label={t('security.securityCode.confirm')} type="password" value={confirm} onChange={setConfirm} autoComplete="off" required maxLength={64} />
        <ErrorMessage>{mismatch ? t('security.securityCode.mismatch') : action.error}</ErrorMessage>
        <SuccessMessage>{done ? t('security.securityCode.saved') : undefined}</SuccessMessage>
        <button type="submit" disabled={action.busy}>
          {t('security.securityCode.save')}
        </button>
      </form>
    </SettingsLayout>
  );
}
