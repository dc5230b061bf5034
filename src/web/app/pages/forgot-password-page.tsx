// "Forgot password?": the address goes to the server, which answers the same for every address; the link it mails leads to the reset page.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { call } from '../api.js';
import { ErrorMessage, TextField, useAction } from '../components/form.js';
import { LanguageMenu } from '../components/language-menu.js';
import { Link } from '../components/link.js';
import { useTranslation } from '../i18n/index.js';
import { ROUTES } from '../routes.js';

export function ForgotPasswordPage(): ReactElement {
  const [address, setAddress] = useState('');
  const [sent, setSent] = useState(false);
  const action = useAction();
  const { t } = useTranslation();

  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await call('POST /api/v1/password-reset', { body: { address: address.trim() } }, { signedIn: false });
      // One text for every address, like the server's answer: it tells nobody whether the account exists.
      setSent(true);
    });
  }

  return (
    <main id="main" className="sign-in">
      <LanguageMenu />
      <h1>{t('auth.forgot.title')}</h1>
      {sent ? (
        <p role="status" className="message notice">
          {t('auth.forgot.sent')}
        </p>
      ) : (
        <form onSubmit={submit} aria-label={t('auth.forgot.title')}>
          <p>{t('auth.forgot.intro')}</p>
          <TextField label={t('auth.signIn.address')} inputMode="email" value={address} onChange={setAddress} autoComplete="username" required autoFocus maxLength={320} />
          <ErrorMessage>{action.error}</ErrorMessage>
          <button type="submit" disabled={action.busy}>
            {t('auth.forgot.send')}
          </button>
        </form>
      )}
      <p>{t('auth.forgot.noAlternate')}</p>
      <p>
        <Link to={ROUTES.signIn}>{t('auth.forgot.backToSignIn')}</Link>
      </p>
    </main>
  );
}
