// Sign-in: address and password, then the second factor (app code, backup code or passkey, "This is my trusted device") when the server asks for it; or a passkey alone.
import { useId, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import type { CredentialJSON, SecondFactorAnswer, SignedInAnswer } from '../../contract/index.js';
import { call, describeError, errorText } from '../api.js';
import type { APIError } from '../api.js';
import { ErrorMessage, TextField, useAction } from '../components/form.js';
import { Link } from '../components/link.js';
import { formatWait } from '../format.js';
import { LanguageMenu } from '../components/language-menu.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { ROUTES } from '../routes.js';
import { getPasskey, inBrowser, passkeysSupported } from '../webauthn.js';

export interface Notice {
  kind: 'info' | 'error';
  text: string;
}

export interface SignInPageProps {
  /** Why the user is here again (timed out, signed out elsewhere). */
  notice?: Notice;
  onSignedIn(answer: SignedInAnswer): void;
}

/** What a refused sign-in shows: the fixed text for bad credentials, when to retry, or the server's message. */
function refusal(error: APIError): ReactElement | string {
  switch (error.code) {
    case 'AUTH_FAILED': {
      const hint = error.details['hint'];
      return (
        <>
          <p>{i18n.t('auth.signIn.verificationFailure')}</p>
          {typeof hint === 'string' && hint !== '' ? <p>{i18n.t('auth.signIn.hint', { hint })}</p> : null}
        </>
      );
    }
    case 'AUTH_THROTTLED': {
      const seconds = error.details['retryAfterSeconds'];
      return typeof seconds === 'number' ? i18n.t('auth.signIn.throttledFor', { wait: formatWait(seconds) }) : errorText(error);
    }
    default:
      // ACCOUNT_DISABLED and the rest: the server's message says what to do.
      return describeError(error);
  }
}

export function SignInPage({ notice, onSignedIn }: SignInPageProps): ReactElement {
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState<SecondFactorAnswer | undefined>(undefined);
  const [code, setCode] = useState('');
  const [trustDevice, setTrustDevice] = useState(false);
  const [failure, setFailure] = useState<ReactElement | string | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const action = useAction();
  const trustId = useId();
  const { t } = useTranslation();

  function handled(error: APIError): boolean {
    setFailure(refusal(error));
    return true;
  }

  function submitPassword(event: FormEvent): void {
    event.preventDefault();
    setFailure(undefined);
    setExpired(false);
    void action.run(async () => {
      const answer = await call('POST /api/v1/session', { body: { address: address.trim(), password } }, { signedIn: false });
      // The password is not kept in the page longer than needed.
      setPassword('');
      if (answer.status === 'second_factor') {
        setCode('');
        setPending(answer);
      } else {
        onSignedIn(answer);
      }
    }, handled);
  }

  /** The passkey ceremony: for the pending sign-in's account when there is one, else for whoever's passkey the device offers. */
  function signInWithPasskey(): void {
    setFailure(undefined);
    setExpired(false);
    const pendingToken = pending?.pendingToken;
    void action.run(
      async () => {
        const ceremony = await call('POST /api/v1/session/passkey-options', { body: pendingToken !== undefined ? { pendingToken } : {} }, { signedIn: false });
        const response = (await inBrowser(() => getPasskey(ceremony.options))) as CredentialJSON;
        const answer = await call(
          'POST /api/v1/session/passkey',
          { body: { flowId: ceremony.flowId, response, ...(pendingToken !== undefined ? { pendingToken, trustDevice } : {}) } },
          { signedIn: false },
        );
        onSignedIn(answer);
      },
      (error) => {
        if (pendingToken !== undefined && error.code === 'SIGN_IN_REQUIRED') {
          setPending(undefined);
          setExpired(true);
          return true;
        }
        return handled(error);
      },
    );
  }

  function submitCode(event: FormEvent): void {
    event.preventDefault();
    if (!pending) return;
    setFailure(undefined);
    void action.run(
      async () => {
        const answer = await call('POST /api/v1/session/second-factor', { body: { pendingToken: pending.pendingToken, code: code.trim(), trustDevice } }, { signedIn: false });
        onSignedIn(answer);
      },
      (error) => {
        // The pending sign-in lasts 5 minutes and 5 wrong codes: start again with the password.
        if (error.code === 'SIGN_IN_REQUIRED') {
          setPending(undefined);
          setExpired(true);
          return true;
        }
        return handled(error);
      },
    );
  }

  return (
    <main id="main" className="sign-in">
      <LanguageMenu />
      <h1>{t('auth.signIn.title')}</h1>
      {notice && !failure && !expired ? (
        <div role={notice.kind === 'error' ? 'alert' : 'status'} className={`message ${notice.kind === 'error' ? 'error' : 'notice'}`}>
          {notice.text}
        </div>
      ) : null}
      {expired ? <ErrorMessage>{t('auth.signIn.expired')}</ErrorMessage> : null}
      <ErrorMessage>{failure}</ErrorMessage>
      {pending ? (
        <form onSubmit={submitCode} aria-labelledby="second-step-title">
          <h2 id="second-step-title">{t('auth.signIn.secondStep')}</h2>
          <TextField
            label={t('auth.signIn.code')}
            value={code}
            onChange={setCode}
            autoComplete="one-time-code"
            inputMode="text"
            maxLength={64}
            required
            autoFocus
            hint={t('auth.signIn.codeHint')}
          />
          <div className="checkbox">
            <input id={trustId} type="checkbox" checked={trustDevice} onChange={(event) => setTrustDevice(event.target.checked)} />
            <label htmlFor={trustId}>{t('auth.signIn.trustDevice')}</label>
          </div>
          <p className="hint">{t('auth.signIn.trustHint')}</p>
          <div className="actions">
            <button type="submit" disabled={action.busy}>
              {t('auth.signIn.verify')}
            </button>
            {pending.methods.includes('passkey') && passkeysSupported() ? (
              <button type="button" className="secondary" disabled={action.busy} onClick={signInWithPasskey}>
                {t('auth.signIn.usePasskey')}
              </button>
            ) : null}
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setPending(undefined);
                setFailure(undefined);
              }}
            >
              {t('auth.signIn.back')}
            </button>
          </div>
        </form>
      ) : (
        <form onSubmit={submitPassword} aria-label={t('auth.signIn.form')}>
          <TextField label={t('auth.signIn.address')} inputMode="email" value={address} onChange={setAddress} autoComplete="username" required autoFocus maxLength={320} />
          <TextField label={t('auth.signIn.password')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
          <div className="actions">
            <button type="submit" disabled={action.busy}>
              {t('auth.signIn.submit')}
            </button>
            <Link to={ROUTES.forgotPassword}>{t('auth.signIn.forgot')}</Link>
          </div>
          {passkeysSupported() ? (
            <p className="alternative">
              <button type="button" className="secondary" disabled={action.busy} onClick={signInWithPasskey}>
                {t('auth.signIn.withPasskey')}
              </button>
            </p>
          ) : null}
        </form>
      )}
      <ErrorMessage>{action.error}</ErrorMessage>
    </main>
  );
}
