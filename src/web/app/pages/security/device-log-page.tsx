// Device log: "My frequently used devices" (trusted: no code asked) and "Other devices", with Remove device and Force logout.
import type { TFunction } from 'i18next';
import type { ReactElement } from 'react';
import type { Device } from '../../../contract/index.js';
import { call } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { ActionButton, ErrorMessage, useAction } from '../../components/form.js';
import { locationLabel } from '../../components/mail-clients.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
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
  const params = { id: device.id };
  // A trusted device that is signed in elsewhere gets both: trust removed, and its sessions ended.
  const remove =
    list === 'trusted' ? (
      <ActionButton
        action={action}
        label={t('security.devices.removeDevice')}
        ariaLabel={t('security.devices.removeDeviceNamed', { name })}
        run={async () => {
          await call('DELETE /api/v1/security/devices/:id/trust', { params });
          await onChanged();
        }}
      />
    ) : null;
  // Not offered for this browser: "Sign out" in the header does that.
  const logout =
    device.status === 'signed_in' ? (
      <ActionButton
        action={action}
        label={t('security.devices.forceLogout')}
        ariaLabel={t('security.devices.forceLogoutNamed', { name })}
        run={async () => {
          await call('POST /api/v1/security/devices/:id/logout', { params });
          await onChanged();
        }}
      />
    ) : null;
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
    <DataTable
      caption={title}
      columns={[
        t('security.devices.statusColumn'),
        t('security.devices.device'),
        t('security.devices.firstLogin'),
        t('security.devices.lastLogin'),
        t('security.devices.location'),
        t('security.common.action'),
      ]}
      empty={empty}
      rows={devices.map((device) => (
        <DeviceRow key={device.id} device={device} list={list} onChanged={onChanged} />
      ))}
    />
  );
}

export function DeviceLogPage(): ReactElement {
  const loaded = useAPI('GET /api/v1/security/devices');
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
