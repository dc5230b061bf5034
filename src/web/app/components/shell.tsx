// The frame of every signed-in page: the header with the account and "Sign out", and the backup-code notice after a sign-in that used one.
import { useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { ROUTES, pathOf } from '../routes';
import { useRoute } from '../router';
import { Link } from './link';
import { NotificationBell } from './notification-bell';
import { useSession } from './session-context';

export interface ShellProps {
  onSignOut(): void;
  signingOut: boolean;
  children: ReactNode;
}

export function Shell({ onSignOut, signingOut, children }: ShellProps): ReactElement {
  const { session } = useSession();
  const path = pathOf(useRoute());
  const [noticeDismissed, setNoticeDismissed] = useState(false);
  const inSettings = path === ROUTES.checkup || path.startsWith(`${ROUTES.checkup}/`);
  const showBackupNotice = !noticeDismissed && (session.backupCodesRemaining !== undefined || session.remindBackupCodes === true);
  return (
    <div className="shell">
      <header className="topbar">
        <Link to={ROUTES.mail} className="brand">
          Mailward
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to={ROUTES.mail} aria-current={path === ROUTES.mail ? 'page' : undefined}>
                Mail
              </Link>
            </li>
            <li>
              <Link to={ROUTES.checkup} aria-current={inSettings ? 'page' : undefined}>
                Personal Settings
              </Link>
            </li>
          </ul>
        </nav>
        <span className="account" title={session.address}>
          {session.displayName ? `${session.displayName} <${session.address}>` : session.address}
        </span>
        <NotificationBell />
        <button type="button" onClick={onSignOut} disabled={signingOut}>
          Sign out
        </button>
      </header>
      {showBackupNotice ? (
        <div className="message notice" role="status">
          {session.backupCodesRemaining !== undefined ? (
            <p>
              You signed in with a backup code. {session.backupCodesRemaining} backup code{session.backupCodesRemaining === 1 ? '' : 's'} left.
            </p>
          ) : null}
          {session.remindBackupCodes ? (
            <p>
              Make a new set of backup codes soon: <Link to={ROUTES.twoFactor}>Two-factor authentication</Link>.
            </p>
          ) : null}
          <button type="button" className="link-button" onClick={() => setNoticeDismissed(true)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <main id="main">{children}</main>
    </div>
  );
}
