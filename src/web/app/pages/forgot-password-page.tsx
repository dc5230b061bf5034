// "Forgot password?": the address goes to the server, which answers the same for every address; the link it mails leads to the reset page.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../api';
import type { PasswordResetRequested } from '../api-types';
import { ErrorMessage, TextField, useAction } from '../components/form';
import { Link } from '../components/link';
import { ROUTES } from '../routes';

export function ForgotPasswordPage(): ReactElement {
  const [address, setAddress] = useState('');
  const [answer, setAnswer] = useState<string | undefined>(undefined);
  const action = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      const result = await request<PasswordResetRequested>('POST', '/api/v1/password-reset', { address: address.trim() }, { signedIn: false });
      // The server's text as is: it is worded so that it tells nobody whether the account exists.
      setAnswer(result.message);
    });
  }

  return (
    <main id="main" className="sign-in">
      <h1>Forgot password?</h1>
      {answer ? (
        <p role="status" className="message notice">
          {answer}
        </p>
      ) : (
        <form onSubmit={submit} aria-label="Forgot password">
          <p>Enter your email address. If your account has a verified alternate email, a link to choose a new password is sent there.</p>
          <TextField label="Email address" inputMode="email" value={address} onChange={setAddress} autoComplete="username" required autoFocus maxLength={320} />
          <ErrorMessage>{action.error}</ErrorMessage>
          <button type="submit" disabled={action.busy}>
            Send the link
          </button>
        </form>
      )}
      <p>Without an alternate email, only your administrator can set a new password. Never tell anyone your password or your backup codes, not even the administrator.</p>
      <p>
        <Link to={ROUTES.signIn}>Back to sign-in</Link>
      </p>
    </main>
  );
}
