// A route the webmail does not have.
import type { ReactElement } from 'react';
import { Link } from '../components/link';
import { ROUTES } from '../routes';

export function NotFoundPage(): ReactElement {
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        <Link to={ROUTES.mail}>Go to the inbox</Link>
      </p>
    </section>
  );
}
