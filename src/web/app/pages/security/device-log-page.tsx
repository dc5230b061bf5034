// Device log: "My frequently used devices" (trusted: no code asked) and "Other devices", with Remove device and Force logout.
import type { TFunction } from 'i18next';
import type { ReactElement } from 'react';
import { request } from '../../api.js';
import type { Device, DeviceLog } from '../../api-types.js';
import { ErrorMessage, useAction } from '../../components/form.js';
import { locationLabel } from '../../components/mail-clients.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useLoad } from '../../components/use-load.js';
import { formatTime, protocolLabel } from '../../format.js';
import { useTranslation } from '../../i18n/index.js';

const STATUS: Record<Device['status'], `security.devices.status.${Device['status']}`> = {
  current: 'security.devices.status.current',
  signed_in: 'security.devices.status.signed_in',
  logged_out: 'security.devices.status.logged_out',
};

/** "Windows 11 / Chrome 131" for a browser; "Thunderbird (IMAP4)" for a mail client, which has no OS to show. */
function deviceName(t: TFunction, device: Device): string {
  if (device.kind === 'mail_client') {
    return t('security.devices.mailClientName', { client: device.client || t('security.devices.mailClient'), protocol: protocolLabel(device.protocol) });
  }
  return [device.os || t('security.devices.unknownOS'), device.client || t('security.devices.unknownBrowser')].join(' / ');
}

function DeviceRow({ device, list, onChanged }: { device: Device; list: 'trusted' | 'other'; onChanged(): Promise<void> }): ReactElement {
  const action = useAction();
  const { t } = useTranslation();
  const name = deviceName(t, device);
  // A trusted device that is signed in elsewhere gets both: trust removed, and its sessions ended.
  let remove: ReactElement | null = null;
  let logout: ReactElement | null = null;
  if (list === 'trusted') {
    remove = (
      <button
        type="button"
        disabled={action.busy}
        aria-label={t('security.devices.removeDeviceNamed', { name })}
        onClick={() =>
          void action.run(async () => {
            await request('DELETE', `/api/v1/security/devices/${encodeURIComponent(device.id)}/trust`);
            await onChanged();
          })
        }
      >
        {t('security.devices.removeDevice')}
      </button>
    );
  }
  if (device.status === 'signed_in') {
    // Not offered for this browser: "Sign out" in the header does that.
    logout = (
      <button
        type="button"
        disabled={action.busy}
        aria-label={t('security.devices.forceLogoutNamed', { name })}
        onClick={() =>
          void action.run(async () => {
            await request('POST', `/api/v1/security/devices/${encodeURIComponent(device.id)}/logout`);
            await onChanged();
          })
        }
      >
        {t('security.devices.forceLogout')}
      </button>
    );
  }
  return (
    <tr className={device.status === 'current' ? 'current' : undefined}>
      <td>{t(STATUS[device.status])}</td>
      <td>{name}</td>
      <td>{formatTime(device.firstLoginAt)}</td>
      <td>{formatTime(device.lastLoginAt)}</td>
      <td>
        {locationLabel(device.lastLocation)}
        {device.lastIp ? <span className="hint"> {t('security.common.inParens', { text: device.lastIp })}</span> : null}
      </td>
      <td>
        {remove}
        {logout}
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}

function DeviceTable({ title, devices, list, empty, onChanged }: { title: string; devices: Device[]; list: 'trusted' | 'other'; empty: string; onChanged(): Promise<void> }): ReactElement {
  const { t } = useTranslation();
  return (
    <table>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{t('security.devices.statusColumn')}</th>
          <th scope="col">{t('security.devices.device')}</th>
          <th scope="col">{t('security.devices.firstLogin')}</th>
          <th scope="col">{t('security.devices.lastLogin')}</th>
          <th scope="col">{t('security.devices.location')}</th>
          <th scope="col">{t('security.common.action')}</th>
        </tr>
      </thead>
      <tbody>
        {devices.length === 0 ? (
          <tr>
            <td colSpan={6}>{empty}</td>
          </tr>
        ) : (
          devices.map((device) => <DeviceRow key={device.id} device={device} list={list} onChanged={onChanged} />)
        )}
      </tbody>
    </table>
  );
}

export function DeviceLogPage(): ReactElement {
  const loaded = useLoad<DeviceLog>('/api/v1/security/devices');
  const { t } = useTranslation();
  return (
    <SettingsLayout title={t('common.pages.devices')}>
      <p>{t('security.devices.intro')}</p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      {loaded.data ? (
        <>
          <DeviceTable
            title={t('security.devices.trusted')}
            devices={loaded.data.trusted}
            list="trusted"
            empty={t('security.devices.trustedEmpty')}
            onChanged={loaded.reload}
          />
          <DeviceTable title={t('security.devices.other')} devices={loaded.data.other} list="other" empty={t('security.devices.otherEmpty')} onChanged={loaded.reload} />
        </>
      ) : loaded.loading ? (
        <p role="status">{t('common.loading')}</p>
      ) : null}
    </SettingsLayout>
  );
}
