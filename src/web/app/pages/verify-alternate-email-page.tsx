// The page the alternate-email check mail links to: proves the mailbox with the link's token, signed in or not.
import { useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import { describeError, request } from '../api';
import { useFragmentToken } from '../fragment';
import { ROUTES } from '../routes';

type State = { kind: 'checking' } | { kind: 'verified'; address: string; account: string } | { kind: 'failed'; reason: string };

const NO_TOKEN = 'This link is incomplete. Open the link from the mail again, or enter the code from the mail in Mailbox Security → Alternate email.';

export function VerifyAlternateEmailPage(): ReactElement {
  const link = useFragmentToken();
  const { token } = link;
  const [state, setState] = useState<State>(token === undefined ? { kind: 'failed', reason: NO_TOKEN } : { kind: 'checking' });

  useEffect(() => {
    if (token === undefined) return;
    setState({ kind: 'checking' });
    let cancelled = false;
    request<{ account: string; address: string }>('POST', '/api/v1/alternate-email/verify-link', { token }, { signedIn: false }).then(
      (answer) => {
        if (!cancelled) setState({ kind: 'verified', ...answer });
      },
      (error: unknown) => {
        if (!cancelled) setState({ kind: 'failed', reason: describeError(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [link, token]);

  return (
    <main id="main" className="sign-in">
      <h1>Alternate email</h1>
      {state.kind === 'checking' ? <p role="status">Checking the link…</p> : null}
      {state.kind === 'verified' ? (
        <p role="status" className="message success">
          {state.address} is now the alternate email of {state.account}. Password reset links and security notices will go there.
        </p>
      ) : null}
      {state.kind === 'failed' ? (
        <div role="alert" className="message error">
          <p>{state.reason}</p>
          <p>Links work once and for 30 minutes; you can ask for a new one in Mailbox Security → Alternate email.</p>
        </div>
      ) : null}
      <p>
        {/* A full page load: the webmail finds out afresh whether this browser is signed in. */}
        <a href={ROUTES.alternateEmail}>Go to Mailbox Security</a>
      </p>
    </main>
  );
}
