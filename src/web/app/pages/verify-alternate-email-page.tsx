// The page the alternate-email check mail links to: proves the mailbox with the link's token, signed in or not.
import { useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import { call, describeError } from '../api.js';
import { useFragmentToken } from '../fragment.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { ROUTES } from '../routes.js';

type State = { kind: 'checking' } | { kind: 'verified'; address: string; account: string } | { kind: 'failed'; reason: string };

export function VerifyAlternateEmailPage(): ReactElement {
  const link = useFragmentToken();
  const { token } = link;
  const { t } = useTranslation();
  const [state, setState] = useState<State>(token === undefined ? { kind: 'failed', reason: i18n.t('auth.verifyAlternate.noToken') } : { kind: 'checking' });

  useEffect(() => {
    if (token === undefined) return;
    setState({ kind: 'checking' });
    let cancelled = false;
    call('POST /api/v1/alternate-email/verify-link', { body: { token } }, { signedIn: false }).then(
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
      <h1>{t('auth.verifyAlternate.title')}</h1>
      {state.kind === 'checking' ? <p role="status">{t('auth.verifyAlternate.checking')}</p> : null}
      {state.kind === 'verified' ? (
        <p role="status" className="message success">
          {t('auth.verifyAlternate.verified', { address: state.address, account: state.account })}
        </p>
      ) : null}
      {state.kind === 'failed' ? (
        <div role="alert" className="message error">
          <p>{state.reason}</p>
          <p>{t('auth.verifyAlternate.linksExpire')}</p>
        </div>
      ) : null}
      <p>
        {/* A full page load: the webmail finds out afresh whether this browser is signed in. */}
        <a href={ROUTES.alternateEmail}>{t('auth.verifyAlternate.toSecurity')}</a>
      </p>
    </main>
  );
}
