// The page a "Forgot password" mail links to: checks the link, then a new password (and the second factor when the account has one) sets it.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import type { CredentialJSON } from '../../contract/index.js';
import { call } from '../api.js';
import type { APIError } from '../api.js';
import { ErrorMessage, TextField, useAction } from '../components/form.js';
import { Link } from '../components/link.js';
import { useFragmentToken, useLinkCheck } from '../fragment.js';
import { Trans, useTranslation } from '../i18n/index.js';
import { ROUTES } from '../routes.js';
import { getPasskey, inBrowser, passkeysSupported } from '../webauthn.js';

type State = { kind: 'checking' } | { kind: 'invalid'; reason?: string } | { kind: 'ready'; address: string; secondFactorRequired: boolean } | { kind: 'done' };

function Invalid({ reason }: { reason?: string }): ReactElement {
  const { t } = useTranslation();
  return (
    <>
      <div role="alert" className="message error">
        {reason ?? t('auth.reset.invalid')}
      </div>
      <p>
        <Link to={ROUTES.forgotPassword}>{t('auth.reset.askAgain')}</Link>
      </p>
    </>
  );
}

export function ResetPasswordPage(): ReactElement {
  const link = useFragmentToken();
  const { token } = link;
  const [state, setState] = useState<State>(token === undefined ? { kind: 'invalid' } : { kind: 'checking' });
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [code, setCode] = useState('');
  const action = useAction();
  const { t } = useTranslation();

  useLinkCheck(link, {
    checking: () => setState({ kind: 'checking' }),
    check: (token) => call('POST /api/v1/password-reset/check', { body: { token } }, { signedIn: false }),
    answered: (checked) => setState(checked.valid ? { kind: 'ready', address: checked.address, secondFactorRequired: checked.secondFactorRequired } : { kind: 'invalid' }),
    failed: (reason) => setState({ kind: 'invalid', reason }),
  });

  /** A spent or voided link cannot be fixed on this page: say so and offer a new one. */
  function linkGone(error: APIError): boolean {
    if (error.code === 'NOT_FOUND' || error.code === 'TOKEN_INVALID') {
      setState({ kind: 'invalid' });
      return true;
    }
    return false;
  }

  function complete(token: string, extra: { code?: string }): Promise<void> {
    return action.run(async () => {
      await call('POST /api/v1/password-reset/complete', { body: { token, password, confirm, ...extra } }, { signedIn: false });
      setPassword('');
      setConfirm('');
      setCode('');
      setState({ kind: 'done' });
    }, linkGone);
  }

  function withPasskey(token: string): void {
    void action.run(async () => {
      const ceremony = await call('POST /api/v1/password-reset/passkey-options', { body: { token } }, { signedIn: false });
      const response = (await inBrowser(() => getPasskey(ceremony.options))) as CredentialJSON;
      await call('POST /api/v1/password-reset/complete', { body: { token, password, confirm, passkey: { flowId: ceremony.flowId, response } } }, { signedIn: false });
      setPassword('');
      setConfirm('');
      setState({ kind: 'done' });
    }, linkGone);
  }

  /** Both buttons submit, so the browser asks for the new password twice before either runs. */
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (state.kind !== 'ready' || token === undefined) return;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    if (submitter instanceof HTMLButtonElement && submitter.value === 'passkey') withPasskey(token);
    else void complete(token, state.secondFactorRequired ? { code: code.trim() } : {});
  }

  let body: ReactElement;
  if (state.kind === 'checking') body = <p role="status">{t('auth.reset.checking')}</p>;
  else if (state.kind === 'invalid') body = <Invalid {...(state.reason !== undefined ? { reason: state.reason } : {})} />;
  else if (state.kind === 'done') {
    body = (
      <>
        <p role="status" className="message success">
          {t('auth.reset.done')}
        </p>
        <p>
          {/* A full page load: a session this browser had before the reset has ended. */}
          <a href={ROUTES.signIn}>{t('auth.reset.signInAgain')}</a>
        </p>
      </>
    );
  } else {
    body = (
      <form onSubmit={submit} aria-label={t('auth.reset.title')}>
        <p>
          <Trans i18nKey="auth.reset.intro" values={{ address: state.address }} components={{ strong: <strong /> }} />
        </p>
        <TextField label={t('auth.reset.newPassword')} type="password" value={password} onChange={setPassword} autoComplete="new-password" required autoFocus maxLength={1024} />
        <TextField label={t('auth.reset.confirm')} type="password" value={confirm} onChange={setConfirm} autoComplete="new-password" required maxLength={1024} />
        {state.secondFactorRequired ? (
          <TextField
            label={t('auth.reset.code')}
            value={code}
            onChange={setCode}
            autoComplete="one-time-code"
            maxLength={64}
            hint={t('auth.reset.codeHint')}
          />
        ) : null}
        <ErrorMessage>{action.error}</ErrorMessage>
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            {t('auth.reset.submit')}
          </button>
          {state.secondFactorRequired && passkeysSupported() ? (
            <button type="submit" value="passkey" className="secondary" disabled={action.busy}>
              {t('auth.reset.usePasskey')}
            </button>
          ) : null}
        </div>
      </form>
    );
  }

  return (
    <main id="main" className="sign-in">
      <h1>{t('auth.reset.title')}</h1>
      {body}
    </main>
  );
}
