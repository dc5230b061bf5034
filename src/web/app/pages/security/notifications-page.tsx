// Security notifications (newest first, mark all read, each told in the reader's language) and the switches for the alerts that may be turned off.
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import type { AlertPreference, SecurityNotification } from '../../../contract/index.js';
import { call } from '../../api.js';
import { ErrorMessage, useAction } from '../../components/form.js';
import { LoadedContent } from '../../components/loaded-content.js';
import { locationLabel } from '../../components/mail-clients.js';
import { NOTIFICATIONS_CHANGED } from '../../components/notification-bell.js';
import { useSession } from '../../components/session-context.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { formatTime, protocolLabel } from '../../format.js';
import { currentLanguage, useTranslation } from '../../i18n/index.js';
import { en as SECURITY } from '../../i18n/messages/security.js';

type AlertKind = keyof typeof SECURITY.notifications.kinds;

/** The alerts the page knows by name; a kind added on the server later shows as its code until it gets words here. */
function isAlertKind(kind: string): kind is AlertKind {
  return Object.hasOwn(SECURITY.notifications.kinds, kind);
}

/** A notification as the API sends it: with the details its words were made from (src/security/notices/alerts.ts). */
type Notice = SecurityNotification;

/**
 * A notification told again in the reader's language from its kind and details; undefined when
 * the kind is not known here or a detail it needs is missing (the server's words are shown then).
 */
function tellAgain(t: TFunction, notice: Notice, address: string): { title: string; body: string } | undefined {
  const details = notice.details;
  const text = (name: string): string | undefined => (typeof details[name] === 'string' ? details[name] : undefined);
  const number = (name: string): number | undefined => (typeof details[name] === 'number' ? details[name] : undefined);
  const ifNotYou = t('security.notifications.notices.ifNotYou');
  switch (notice.kind) {
    case 'new_sign_in': {
      const ip = text('ip');
      const protocol = text('protocol');
      const reasons = Array.isArray(details['reasons']) ? details['reasons'] : [];
      if (ip === undefined || protocol === undefined) return undefined;
      const country = text('country');
      const location = text('location') ?? '';
      const client = text('client') ?? '';
      const newCountry = reasons.includes('new_country') && country !== undefined;
      const newDevice = reasons.includes('new_device');
      const newNetwork = reasons.includes('new_network');
      const place = location === '' || location.toLowerCase() === 'unknown' ? '' : t('security.notifications.notices.place', { location: locationLabel(location) });
      const said = { address, ip, place, client, protocol: protocol === 'web' ? t('security.notifications.notices.webmail') : protocolLabel(protocol) };
      const why = [
        ...(newCountry ? [t('security.notifications.notices.newSignIn.whyCountry', { country })] : []),
        ...(newDevice ? [t('security.notifications.notices.newSignIn.whyDevice')] : []),
        ...(newNetwork ? [t('security.notifications.notices.newSignIn.whyNetwork')] : []),
      ];
      return {
        title: newCountry
          ? t('security.notifications.notices.newSignIn.titleCountry', { country })
          : newDevice
            ? t('security.notifications.notices.newSignIn.titleDevice')
            : t('security.notifications.notices.newSignIn.titleNetwork'),
        body: [
          client !== '' ? t('security.notifications.notices.newSignIn.bodyClient', said) : t('security.notifications.notices.newSignIn.body', said),
          t('security.notifications.notices.newSignIn.because', { why: why.join(t('security.notifications.notices.newSignIn.whySeparator')) }),
          t('security.notifications.notices.newSignIn.ifYou', { ifNotYou }),
        ].join('\n'),
      };
    }
    case 'failed_sign_ins': {
      const ip = text('ip');
      const failures = number('failures');
      if (ip === undefined || failures === undefined) return undefined;
      return {
        title: t('security.notifications.notices.failedSignIns.title'),
        body: t('security.notifications.notices.failedSignIns.body', { address, ip, failures }),
      };
    }
    case 'password_changed':
      return {
        title: t('security.notifications.notices.passwordChanged.title'),
        body:
          details['byAdmin'] === true
            ? t('security.notifications.notices.passwordChanged.byAdmin', { address })
            : t('security.notifications.notices.passwordChanged.byUser', { address }),
      };
    case 'security_code_changed':
      return {
        title: t('security.notifications.notices.securityCodeChanged.title'),
        body: t('security.notifications.notices.securityCodeChanged.body', { address, ifNotYou }),
      };
    case 'two_factor_disabled':
      return {
        title: t('security.notifications.notices.twoFactorDisabled.title'),
        body:
          details['how'] === 'admin_reset'
            ? t('security.notifications.notices.twoFactorDisabled.byAdmin', { address })
            : t('security.notifications.notices.twoFactorDisabled.byUser', { address }),
      };
    case 'backup_code_used': {
      const ip = text('ip');
      const remaining = number('remaining');
      if (ip === undefined || remaining === undefined) return undefined;
      const low = details['low'] === true;
      return {
        title: low ? t('security.notifications.notices.backupCodeUsed.titleLow', { remaining }) : t('security.notifications.notices.backupCodeUsed.title'),
        body: [
          t('security.notifications.notices.backupCodeUsed.body', { address, ip, count: remaining }),
          ...(low ? [t('security.notifications.notices.backupCodeUsed.low')] : []),
          ifNotYou,
        ].join('\n'),
      };
    }
    case 'backup_codes_regenerated': {
      const total = number('count');
      if (total === undefined) return undefined;
      return {
        title: t('security.notifications.notices.backupCodesRegenerated.title'),
        body: t('security.notifications.notices.backupCodesRegenerated.body', { address, total, ifNotYou }),
      };
    }
    case 'backup_codes_old': {
      const createdAt = number('createdAt');
      const remaining = number('remaining');
      if (createdAt === undefined || remaining === undefined) return undefined;
      return {
        title: t('security.notifications.notices.backupCodesOld.title'),
        body: t('security.notifications.notices.backupCodesOld.body', { address, time: formatTime(createdAt), remaining }),
      };
    }
    case 'app_password_created': {
      const name = text('name');
      if (name === undefined) return undefined;
      return {
        title: t('security.notifications.notices.appPasswordCreated.title'),
        body: t('security.notifications.notices.appPasswordCreated.body', { address, name }),
      };
    }
    case 'account_disabled': {
      const reason = text('reason') ?? '';
      return {
        title: t('security.notifications.notices.accountDisabled.title'),
        body:
          reason !== ''
            ? t('security.notifications.notices.accountDisabled.bodyReason', { address, reason })
            : t('security.notifications.notices.accountDisabled.body', { address }),
      };
    }
    case 'device_logged_out':
      return {
        title: t('security.notifications.notices.deviceLoggedOut.title'),
        body: t('security.notifications.notices.deviceLoggedOut.body', { address, ifNotYou }),
      };
    case 'alternate_email_changed': {
      const alternate = text('alternate');
      const previous = text('previous');
      return {
        title: alternate ? t('security.notifications.notices.alternateEmailChanged.titleChanged') : t('security.notifications.notices.alternateEmailChanged.titleRemoved'),
        body: [
          alternate
            ? t('security.notifications.notices.alternateEmailChanged.changed', { address, alternate })
            : t('security.notifications.notices.alternateEmailChanged.removed', { address }),
          ...(previous ? [t('security.notifications.notices.alternateEmailChanged.previous', { previous })] : []),
          ifNotYou,
        ].join('\n'),
      };
    }
    default:
      return undefined;
  }
}

/** English shows the server's own words; other languages tell the notification again where they can. */
function told(t: TFunction, notice: Notice, address: string): { title: string; body: string } {
  const server = { title: notice.title, body: notice.body };
  return currentLanguage() === 'en' ? server : (tellAgain(t, notice, address) ?? server);
}

function Notifications(): ReactElement {
  const loaded = useAPI('GET /api/v1/security/notifications', { query: { limit: 50 } });
  const { session } = useSession();
  const action = useAction();
  const { t } = useTranslation();
  function markAll(): void {
    void action.run(async () => {
      await call('POST /api/v1/security/notifications/read', { body: {} });
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
      await loaded.reload();
    });
  }
  return (
    <section aria-labelledby="notifications-title">
      <h2 id="notifications-title">{t('security.notifications.title')}</h2>
      <LoadedContent state={loaded} value={loaded.data}>
        {(list) => (
          <>
            <p className="status-line">
              {list.unread === 0 ? t('security.notifications.noUnread') : t('security.notifications.unread', { count: list.unread })}{' '}
              {list.unread > 0 ? (
                <button type="button" className="link-button" disabled={action.busy} onClick={markAll}>
                  {t('security.notifications.markAllRead')}
                </button>
              ) : null}
            </p>
            <ErrorMessage>{action.error}</ErrorMessage>
            {list.notifications.length === 0 ? (
              <p>{t('security.notifications.nothing')}</p>
            ) : (
              <ul className="notifications" aria-label={t('security.notifications.list')}>
                {list.notifications.map((n) => {
                  const { title, body } = told(t, n, session.address);
                  return (
                    <li key={n.id} className={n.readAt === null ? 'unread' : undefined}>
                      <p className="notification-title">
                        <strong>{title}</strong> {n.readAt === null ? <span className="tag">{t('security.notifications.new')}</span> : null}
                      </p>
                      <p className="hint">{formatTime(n.createdAt)}</p>
                      <p className="notification-body">{body}</p>
                    </li>
                  );
                })}
              </ul>
            )}
          </>
        )}
      </LoadedContent>
    </section>
  );
}

function AlertSwitch({ alert, onChanged }: { alert: AlertPreference; onChanged(alerts: AlertPreference[]): void }): ReactElement {
  const action = useAction();
  const { t } = useTranslation();
  // The box follows the click at once and goes back if the server refuses.
  const [checked, setChecked] = useState(alert.enabled);
  useEffect(() => setChecked(alert.enabled), [alert.enabled]);
  const label = isAlertKind(alert.kind) ? t(`security.notifications.kinds.${alert.kind}`) : alert.kind;
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
              async () => onChanged((await call('PUT /api/v1/security/alerts/:kind', { params: { kind: alert.kind }, body: { enabled } })).alerts),
              () => {
                setChecked(!enabled);
                return false;
              },
            );
          }}
        />
        {label}
        {alert.critical ? <span className="hint"> {t('security.common.inParens', { text: t('security.notifications.alwaysOn') })}</span> : null}
      </label>
      <ErrorMessage>{action.error}</ErrorMessage>
    </li>
  );
}

function AlertSwitches(): ReactElement {
  const loaded = useAPI('GET /api/v1/security/alerts');
  const [alerts, setAlerts] = useState<AlertPreference[] | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const shown = alerts ?? loaded.data?.alerts;
  const { t } = useTranslation();
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t('security.notifications.alertsTitle')}</h2>
      <p>{t('security.notifications.alertsIntro')}</p>
      <LoadedContent state={loaded} value={shown} notice={saved ? t('security.notifications.saved') : undefined}>
        {(shown) => (
          <ul className="alert-switches" aria-label={t('security.notifications.alerts')}>
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
        )}
      </LoadedContent>
    </section>
  );
}

export function NotificationsPage(): ReactElement {
  const { t } = useTranslation();
  return (
    <SettingsLayout title={t('common.pages.notifications')}>
      <Notifications />
      <AlertSwitches />
    </SettingsLayout>
  );
}
