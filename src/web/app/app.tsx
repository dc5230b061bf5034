// The webmail's root: finds out whether this browser is signed in, routes between the sign-in pages and the signed-in ones, and brings a user whose session ended back to where they were.
import { useCallback, useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import type { SessionAnswer, SignedInAnswer } from '../contract/index.js';
import { APIError, call, clearCSRFToken, describeError, setSessionListeners } from './api.js';
import type { SessionInfo } from './components/session-context.js';
import { SessionContext } from './components/session-context.js';
import { Shell } from './components/shell.js';
import { changeLanguage, i18n, isLanguage, useTranslation } from './i18n/index.js';
import { ForgotPasswordPage } from './pages/forgot-password-page.js';
import { InboxPage } from './pages/inbox-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { ResetPasswordPage } from './pages/reset-password-page.js';
import type { Notice } from './pages/sign-in-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { AlternateEmailPage } from './pages/security/alternate-email-page.js';
import { AppPasswordsPage } from './pages/security/app-passwords-page.js';
import { CheckupPage } from './pages/security/checkup-page.js';
import { DeviceLogPage } from './pages/security/device-log-page.js';
import { LoginRecordsPage } from './pages/security/login-records-page.js';
import { MailServicesPage } from './pages/security/mail-services-page.js';
import { NotificationsPage } from './pages/security/notifications-page.js';
import { PasskeysPage } from './pages/security/passkeys-page.js';
import { PasswordPage } from './pages/security/password-page.js';
import { SecurityCodePage } from './pages/security/security-code-page.js';
import { ForwardingPage } from './pages/settings/forwarding-page.js';
import { ProfilePage } from './pages/settings/profile-page.js';
import { TwoFactorPage } from './pages/security/two-factor-page.js';
import { VerifyAlternateEmailPage } from './pages/verify-alternate-email-page.js';
import { forgetRememberedRoute, rememberRoute, takeRememberedRoute } from './return-to.js';
import { ROUTES, isLinkRoute, isPublicRoute, isSignInRoute, pathOf } from './routes.js';
import { currentRoute, isLocalRoute, navigate, useRoute } from './router.js';

/** "Operation Timed Out": the mailbox is protected, and the user comes back to the same page. */
function timedOut(): Notice {
  return { kind: 'error', text: i18n.t('auth.session.timedOut') };
}

function signedOut(): Notice {
  return { kind: 'info', text: i18n.t('auth.session.signedOut') };
}

/** The language the user chose in Profile wins over the browser's, on every device they sign in on. */
function followChosenLanguage(answer: SessionAnswer | SignedInAnswer): void {
  if (isLanguage(answer.language)) void changeLanguage(answer.language);
}

type State = { kind: 'loading' } | { kind: 'signed_out'; notice?: Notice } | { kind: 'signed_in'; session: SessionInfo };

const PAGES: Record<string, () => ReactElement> = {
  [ROUTES.mail]: InboxPage,
  [ROUTES.loginRecords]: LoginRecordsPage,
  [ROUTES.password]: PasswordPage,
  [ROUTES.securityCode]: SecurityCodePage,
  [ROUTES.services]: MailServicesPage,
  [ROUTES.devices]: DeviceLogPage,
  [ROUTES.twoFactor]: TwoFactorPage,
  [ROUTES.appPasswords]: AppPasswordsPage,
  [ROUTES.checkup]: CheckupPage,
  [ROUTES.passkeys]: PasskeysPage,
  [ROUTES.alternateEmail]: AlternateEmailPage,
  [ROUTES.notifications]: NotificationsPage,
  [ROUTES.profile]: ProfilePage,
  [ROUTES.forwarding]: ForwardingPage,
};

function fromSession(answer: SessionAnswer | SignedInAnswer): SessionInfo {
  return {
    address: answer.address,
    displayName: answer.displayName,
    mustChangePassword: answer.mustChangePassword,
    mustEnrollTwoFactor: answer.mustEnrollTwoFactor,
    ...('backupCodesRemaining' in answer && answer.backupCodesRemaining !== undefined ? { backupCodesRemaining: answer.backupCodesRemaining } : {}),
    ...('remindBackupCodes' in answer && answer.remindBackupCodes !== undefined ? { remindBackupCodes: answer.remindBackupCodes } : {}),
  };
}

/** Keeps the page the user was on, so signing in again leads back there (never a sign-in page itself). */
function rememberCurrentRoute(): void {
  const here = currentRoute();
  if (!isPublicRoute(here)) rememberRoute(here);
}

export function App(): ReactElement {
  const route = useRoute();
  const path = pathOf(route);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [signingOut, setSigningOut] = useState(false);
  const { t } = useTranslation();

  useEffect(() => {
    setSessionListeners({
      lost: (reason) => {
        rememberCurrentRoute();
        clearCSRFToken();
        setState({ kind: 'signed_out', notice: reason === 'SESSION_TIMED_OUT' ? timedOut() : signedOut() });
      },
      enrolmentRequired: () => navigate(ROUTES.twoFactor),
    });
    return () => setSessionListeners(undefined);
  }, []);

  useEffect(() => {
    let cancelled = false;
    call('GET /api/v1/session', {}, { signedIn: false }).then(
      (answer) => {
        if (cancelled) return;
        followChosenLanguage(answer);
        setState({ kind: 'signed_in', session: fromSession(answer) });
      },
      (error: unknown) => {
        if (cancelled) return;
        rememberCurrentRoute();
        if (error instanceof APIError && error.code === 'SESSION_TIMED_OUT') setState({ kind: 'signed_out', notice: timedOut() });
        else if (error instanceof APIError && error.code === 'SIGN_IN_REQUIRED') setState({ kind: 'signed_out' });
        else setState({ kind: 'signed_out', notice: { kind: 'error', text: describeError(error) } });
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  // Each state has its own pages: signed out, everything but "Forgot password?" is the sign-in page.
  useEffect(() => {
    if (state.kind === 'signed_out' && path !== ROUTES.signIn && path !== ROUTES.forgotPassword && !isLinkRoute(path)) navigate(ROUTES.signIn, { replace: true });
    if (state.kind === 'signed_in' && isSignInRoute(path)) navigate(ROUTES.mail, { replace: true });
  }, [state.kind, path]);

  const onSignedIn = useCallback((answer: SignedInAnswer) => {
    const remembered = takeRememberedRoute();
    followChosenLanguage(answer);
    setState({ kind: 'signed_in', session: fromSession(answer) });
    let target: string = ROUTES.mail;
    if (answer.mustEnrollTwoFactor) target = ROUTES.twoFactor;
    else if (answer.mustChangePassword) target = ROUTES.password;
    else if (remembered !== undefined && isLocalRoute(remembered) && !isPublicRoute(remembered)) target = remembered;
    navigate(target, { replace: true });
  }, []);

  const refresh = useCallback(async (): Promise<void> => {
    try {
      const answer = await call('GET /api/v1/session');
      setState((before) => (before.kind === 'signed_in' ? { kind: 'signed_in', session: { ...before.session, ...fromSession(answer) } } : before));
    } catch {
      // A lost session has its own handling (the listeners); otherwise the page keeps what it knew.
    }
  }, []);

  const signOut = useCallback(async (): Promise<void> => {
    setSigningOut(true);
    let notice: Notice | undefined;
    try {
      await call('DELETE /api/v1/session', {}, { signedIn: false });
    } catch (error) {
      // Already ended on the server (timed out, forced out) is as good as signed out.
      if (!(error instanceof APIError && (error.code === 'SESSION_TIMED_OUT' || error.code === 'SIGN_IN_REQUIRED'))) {
        notice = { kind: 'error', text: i18n.t('auth.session.signOutFailed', { reason: describeError(error) }) };
      }
    } finally {
      setSigningOut(false);
    }
    clearCSRFToken();
    forgetRememberedRoute();
    setState(notice ? { kind: 'signed_out', notice } : { kind: 'signed_out' });
  }, []);

  // Links from security mail work signed in or out, and their pages hold the only copy of the token.
  if (path === ROUTES.resetPassword) return <ResetPasswordPage />;
  if (path === ROUTES.verifyAlternateEmail) return <VerifyAlternateEmailPage />;
  if (state.kind === 'loading') {
    return (
      <main id="main" className="loading">
        <p role="status">{t('common.loading')}</p>
      </main>
    );
  }
  if (state.kind === 'signed_out') {
    if (path === ROUTES.forgotPassword) return <ForgotPasswordPage />;
    return <SignInPage {...(state.notice ? { notice: state.notice } : {})} onSignedIn={onSignedIn} />;
  }
  // A sign-in path shows the inbox for the moment the effect above takes to replace it.
  const Page = PAGES[path] ?? (isSignInRoute(path) ? InboxPage : NotFoundPage);
  return (
    <SessionContext.Provider value={{ session: state.session, refresh }}>
      <Shell onSignOut={() => void signOut()} signingOut={signingOut}>
        <Page />
      </Shell>
    </SessionContext.Provider>
  );
}
