// The bell in the header: the number of unread security notifications, linking to their list.
import { useEffect } from 'react';
import type { ReactElement } from 'react';
import { useTranslation } from '../i18n/index.js';
import { ROUTES } from '../routes.js';
import { useRoute } from '../router.js';
import { Link } from './link.js';
import { useAPI } from './use-api.js';

/** Sent by the notifications page after marking them read, so the count follows at once. */
export const NOTIFICATIONS_CHANGED = 'mailward:notifications-changed';

export function NotificationBell(): ReactElement {
  const route = useRoute();
  const { t } = useTranslation();
  // Read again on every page change: there is no push channel, and moving around is when users look.
  // The bell is a hint: a failed read leaves the count as it was (a lost session has its own handling).
  const { data, reload } = useAPI('GET /api/v1/security/notifications', { query: { limit: 1 } }, { again: route });
  const unread = data?.unread;
  useEffect(() => {
    const again = (): void => void reload();
    window.addEventListener(NOTIFICATIONS_CHANGED, again);
    return () => window.removeEventListener(NOTIFICATIONS_CHANGED, again);
  }, [reload]);
  const label = unread === undefined ? t('security.bell.label') : t('security.bell.unread', { unread });
  return (
    <Link to={ROUTES.notifications} className="bell" aria-label={label} title={label}>
      {/* Drawn, not an emoji: machines without an emoji font would show an empty box. */}
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread !== undefined && unread > 0 ? (
        <span className="badge" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </Link>
  );
}
