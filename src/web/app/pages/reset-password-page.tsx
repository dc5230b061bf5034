// The page a "Forgot password" mail links to: checks the link, then a new password (and the second factor when the account has one) sets it.
import { useEffect, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { describeError, request } from '../api';
import type { APIError } from '../api';
import type { PasskeyCeremony, PasswordResetCheck } from '../api-types';
import { ErrorMessage, TextField, useAction } from '../components/form';
import { Link } from '../components/link';
import { useFragmentToken } from '../fragment';
import { ROUTES } from '../routes';
import type { RequestOptionsJSON } from '../webauthn';
import { getPasskey, inBrowser, passkeysSupported } from '../webauthn';

type State = { kind: 'checking' } | { kind: 'invalid'; reason?: string } | { kind: 'ready'; address: string; secondFactorRequired: boolean } | { kind: 'done' };

function Invalid({ reason }: { reason?: string }): ReactElement {
  return (
    <>
      <div role="alert" className="message error">
        {reason ?? 'This link is not valid any more: it was used already, it is older than 30 minutes, or the password changed since.'}
      </div>
      <p>
        <Link to={ROUTES.forgotPassword}>Ask for a new link</Link>
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

  useEffect(() => {
    if (token === undefined) return;
    setState({ kind: 'checking' });
    let cancelled = false;
    request<PasswordResetCheck>('POST', '/api/v1/password-reset/check', { token }, { signedIn: false }).then(
      (checked) => {
        if (cancelled) return;
        setState(checked.valid ? { kind: 'ready', address: checked.address, secondFactorRequired: checked.secondFactorRequired } : { kind: 'invalid' });
      },
      (error: unknown) => {
        if (!cancelled) setState({ kind: 'invalid', reason: describeError(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [link, token]);

  /** A spent or voided link cannot be fixed on this page: say so and offer a new one. */
  function linkGone(error: APIError): boolean {
    if (error.code === 'NOT_FOUND' || error.code === 'TOKEN_INVALID') {
      setState({ kind: 'invalid', reason: error.message });
      return true;
    }
    return false;
  }

  function complete(extra: Record<string, unknown>): Promise<void> {
    return action.run(async () => {
      await request('POST', '/api/v1/password-reset/complete', { token, password, confirm, ...extra }, { signedIn: false });
      setPassword('');
      setConfirm('');
      setCode('');
      setState({ kind: 'done' });
    }, linkGone);
  }

  function withPasskey(): void {
    void action.run(async () => {
      const ceremony = await request<PasskeyCeremony<RequestOptionsJSON>>('POST', '/api/v1/password-reset/passkey-options', { token }, { signedIn: false });
      const response = await inBrowser(() => getPasskey(ceremony.options));
      await request('POST', '/api/v1/password-reset/complete', { token, password, confirm, passkey: { flowId: ceremony.flowId, response } }, { signedIn: false });
      setPassword('');
      setConfirm('');
      setState({ kind: 'done' });
    }, linkGone);
  }

  /** Both buttons submit, so the browser asks for the new password twice before either runs. */
  function submit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (state.kind !== 'ready') return;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    if (submitter instanceof HTMLButtonElement && submitter.value === 'passkey') withPasskey();
    else void complete(state.secondFactorRequired ? { code: code.trim() } : {});
  }

  let body: ReactElement;
  if (state.kind === 'checking') body = <p role="status">Checking the link…</p>;
  else if (state.kind === 'invalid') body = <Invalid {...(state.reason !== undefined ? { reason: state.reason } : {})} />;
  else if (state.kind === 'done') {
    body = (
      <>
        <p role="status" className="message success">
          Password changed. Every session of your account was signed out, and no device stays trusted.
        </p>
        <p>
          {/* A full page load: a session this browser had before the reset has ended. */}
          <a href={ROUTES.signIn}>Sign in with your new password</a>
        </p>
      </>
    );
  } else {
    body = (
      <form onSubmit={submit} aria-label="Choose a new password">
        <p>
          Choose a new password for <strong>{state.address}</strong>. Passwords are case-sensitive; use one you use nowhere else.
        </p>
        <TextField label="New password" type="password" value={password} onChange={setPassword} autoComplete="new-password" required autoFocus maxLength={1024} />
        <TextField label="Confirm new password" type="password" value={confirm} onChange={setConfirm} autoComplete="new-password" required maxLength={1024} />
        {state.secondFactorRequired ? (
          <TextField
            label="Verification code"
            value={code}
            onChange={setCode}
            autoComplete="one-time-code"
            maxLength={64}
            hint="Your account has two-factor sign-in: a code from your authenticator app or a backup code, or use a passkey instead."
          />
        ) : null}
        <ErrorMessage>{action.error}</ErrorMessage>
        <div className="actions">
          <button type="submit" disabled={action.busy}>
            Set Password
          </button>
          {state.secondFactorRequired && passkeysSupported() ? (
            <button type="submit" value="passkey" className="secondary" disabled={action.busy}>
              Use a passkey
            </button>
          ) : null}
        </div>
      </form>
    );
  }

  return (
    <main id="main" className="sign-in">
      <h1>Choose a new password</h1>
      {body}
    </main>
  );
}
