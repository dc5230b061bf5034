// The inbox's place in the webmail until mail reading arrives.
import type { ReactElement } from 'react';
import { Link } from '../components/link';
import { ROUTES } from '../routes';

export function InboxPage(): ReactElement {
  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      <p>Reading mail in the browser is coming. Meanwhile use a mail client over IMAP4 or POP3.</p>
      <p>
        Keep your account safe in <Link to={ROUTES.twoFactor}>Personal Settings → Mailbox Security</Link>.
      </p>
    </section>
  );
}
