// Security notifications (newest first, mark all read) and the switches for the alerts that may be turned off.
import { useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import { request } from '../../api';
import type { AlertPreference, NotificationList } from '../../api-types';
import { ErrorMessage, SuccessMessage, useAction } from '../../components/form';
import { NOTIFICATIONS_CHANGED } from '../../components/notification-bell';
import { SettingsLayout } from '../../components/settings-layout';
import { useLoad } from '../../components/use-load';
import { formatTime } from '../../format';

const ALERT_LABELS: Record<string, string> = {
  new_sign_in: 'Sign-in from a new device, address or country',
  failed_sign_ins: 'Many wrong passwords from one address',
  password_changed: 'Password changed or reset',
  security_code_changed: 'Personal security code set or changed',
  two_factor_disabled: 'Two-factor sign-in turned off',
  backup_code_used: 'A backup code was used',
  backup_codes_regenerated: 'New backup codes made',
  backup_codes_old: 'Backup codes are old',
  app_password_created: 'App password created',
  account_disabled: 'Account disabled',
  device_logged_out: 'A device was forced out',
  alternate_email_changed: 'Alternate email changed or removed',
};

function Notifications(): ReactElement {
  const loaded = useLoad<NotificationList>('/api/v1/security/notifications?limit=50');
  const action = useAction();
  const list = loaded.data;
  function markAll(): void {
    void action.run(async () => {
      await request('POST', '/api/v1/security/notifications/read', {});
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
      await loaded.reload();
    });
  }
  return (
    <section aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      {list ? (
        <>
          <p className="status-line">
            {list.unread === 0 ? 'No unread notifications.' : `${list.unread} unread notification${list.unread === 1 ? '' : 's'}.`}{' '}
            {list.unread > 0 ? (
              <button type="button" className="link-button" disabled={action.busy} onClick={markAll}>
                Mark all read
              </button>
            ) : null}
          </p>
          <ErrorMessage>{action.error}</ErrorMessage>
          {list.notifications.length === 0 ? (
            <p>Nothing has happened to your account's security yet.</p>
          ) : (
            <ul className="notifications" aria-label="Security notifications">
              {list.notifications.map((n) => (
                <li key={n.id} className={n.readAt === null ? 'unread' : undefined}>
                  <p className="notification-title">
                    <strong>{n.title}</strong> {n.readAt === null ? <span className="tag">New</span> : null}
                  </p>
                  <p className="hint">{formatTime(n.createdAt)}</p>
                  <p className="notification-body">{n.body}</p>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : loaded.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </section>
  );
}

function AlertSwitch({ alert, onChanged }: { alert: AlertPreference; onChanged(alerts: AlertPreference[]): void }): ReactElement {
  const action = useAction();
  // The box follows the click at once and goes back if the server refuses.
  const [checked, setChecked] = useState(alert.enabled);
  useEffect(() => setChecked(alert.enabled), [alert.enabled]);
  const label = ALERT_LABELS[alert.kind] ?? alert.kind;
  return (
    <li>
      <label className="checkbox-label">
        <input
          type="checkbox"
          checked={checked}
          // Critical alerts cannot be turned off: the owner must hear of these even if a thief turned the rest off.
          disabled={alert.critical || action.busy}
          onChange={(event) => {
            const enabled = event.target.checked;
            setChecked(enabled);
            void action.run(
              async () => onChanged((await request<{ alerts: AlertPreference[] }>('PUT', `/api/v1/security/alerts/${encodeURIComponent(alert.kind)}`, { enabled })).alerts),
              () => {
                setChecked(!enabled);
                return false;
              },
            );
          }}
        />
        {label}
        {alert.critical ? <span className="hint"> (always on)</span> : null}
      </label>
      <ErrorMessage>{action.error}</ErrorMessage>
    </li>
  );
}

function AlertSwitches(): ReactElement {
  const loaded = useLoad<{ alerts: AlertPreference[] }>('/api/v1/security/alerts');
  const [alerts, setAlerts] = useState<AlertPreference[] | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const shown = alerts ?? loaded.data?.alerts;
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Security alerts</h2>
      <p>Each alert is shown here and mailed to your inbox and your verified alternate email.</p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      <SuccessMessage>{saved ? 'Your alert settings have been saved.' : undefined}</SuccessMessage>
      {shown ? (
        <ul className="alert-switches" aria-label="Alerts">
          {shown.map((alert) => (
            <AlertSwitch
              key={alert.kind}
              alert={alert}
              onChanged={(next) => {
                setAlerts(next);
                setSaved(true);
              }}
            />
          ))}
        </ul>
      ) : loaded.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </section>
  );
}

export function NotificationsPage(): ReactElement {
  return (
    <SettingsLayout title="Notifications and alerts">
      <Notifications />
      <AlertSwitches />
    </SettingsLayout>
  );
}
