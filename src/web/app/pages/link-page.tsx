// Where links from security mail land (password reset, alternate-email check) until their pages exist.
import type { ReactElement } from 'react';
import { Link } from '../components/link';
import { ROUTES } from '../routes';

export function LinkPage(): ReactElement {
  return (
    <main id="main" className="sign-in">
      <h1>Not available yet</h1>
      <p>This webmail cannot complete this link yet. Please contact your administrator.</p>
      <p>
        <Link to={ROUTES.mail}>Go to the webmail</Link>
      </p>
    </main>
  );
}
