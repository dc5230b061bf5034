// The page the alternate-email check mail links to: proves the mailbox with the link's token, signed in or not.
import { useState } from 'react';
import type { ReactElement } from 'react';
import { call } from '../api.js';
import { useFragmentToken, useLinkCheck } from '../fragment.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { ROUTES } from '../routes.js';

type State = { kind: 'checking' } | { kind: 'verified'; address: string; account: string } | { kind: 'failed'; reason: string };

export function VerifyAlternateEmailPage(): ReactElement {
  const link = useFragmentToken();
  const { token } = link;
  const { t } = useTranslation();
  const [state, setState] = useState<State>(token === undefined ? { kind: 'failed', reason: i18n.t('auth.verifyAlternate.noToken') } : { kind: 'checking' });

  useLinkCheck(link, {
    checking: () => setState({ kind: 'checking' }),
    check: (token) => call('POST /api/v1/alternate-email/verify-link', { body: { token } }, { signedIn: false }),
    answered: (answer) => setState({ kind: 'verified', ...answer }),
    failed: (reason) => setState({ kind: 'failed', reason }),
  });

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
