// The frame of every signed-in page: the header with the account and "Sign out", and the backup-code notice after a sign-in that used one.
import { useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { useTranslation } from '../i18n/index.js';
import { ROUTES, pathOf } from '../routes.js';
import { useRoute } from '../router.js';
import { Link } from './link.js';
import { NotificationBell } from './notification-bell.js';
import { useSession } from './session-context.js';

export interface ShellProps {
  onSignOut(): void;
  signingOut: boolean;
  children: ReactNode;
}

export function Shell({ onSignOut, signingOut, children }: ShellProps): ReactElement {
  const { session } = useSession();
  const { t } = useTranslation();
  const path = pathOf(useRoute());
  const [noticeDismissed, setNoticeDismissed] = useState(false);
  const inSettings = path.startsWith('/settings/');
  const showBackupNotice = !noticeDismissed && (session.backupCodesRemaining !== undefined || session.remindBackupCodes === true);
  return (
    <div className="shell">
      <header className="topbar">
        <Link to={ROUTES.mail} className="brand">
          Mailward
        </Link>
        <nav aria-label={t('common.shell.mainNav')}>
          <ul>
            <li>
              <Link to={ROUTES.mail} aria-current={path === ROUTES.mail ? 'page' : undefined}>
                {t('common.shell.mail')}
              </Link>
            </li>
            <li>
              <Link to={ROUTES.checkup} aria-current={inSettings ? 'page' : undefined}>
                {t('common.shell.personalSettings')}
              </Link>
            </li>
          </ul>
        </nav>
        <span className="account" title={session.address}>
          {session.displayName ? `${session.displayName} <${session.address}>` : session.address}
        </span>
        <NotificationBell />
        <button type="button" onClick={onSignOut} disabled={signingOut}>
          {t('common.shell.signOut')}
        </button>
      </header>
      {showBackupNotice ? (
        <div className="message notice" role="status">
          {session.backupCodesRemaining !== undefined ? (
            <p>{t('common.shell.usedBackupCode', { count: session.backupCodesRemaining })}</p>
          ) : null}
          {session.remindBackupCodes ? (
            <p>
              {t('common.shell.remindBackupCodes')} <Link to={ROUTES.twoFactor}>{t('common.pages.twoFactor')}</Link>
            </p>
          ) : null}
          <button type="button" className="link-button" onClick={() => setNoticeDismissed(true)}>
            {t('common.shell.dismiss')}
          </button>
        </div>
      ) : null}
      <main id="main">{children}</main>
    </div>
  );
}
