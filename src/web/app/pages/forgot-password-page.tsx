// "Forgot password?": until self-service reset exists, where to turn.
import type { ReactElement } from 'react';
import { Link } from '../components/link';
import { ROUTES } from '../routes';

export function ForgotPasswordPage(): ReactElement {
  return (
    <main id="main" className="sign-in">
      <h1>Forgot password?</h1>
      <p>
        Please contact your administrator: they can set a new password for your account, which you will change when you next sign in.
      </p>
      <p>Never tell anyone your password or your backup codes, not even the administrator: they do not need them.</p>
      <p>
        <Link to={ROUTES.signIn}>Back to sign-in</Link>
      </p>
    </main>
  );
}
