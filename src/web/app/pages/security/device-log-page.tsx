// Device log: "My frequently used devices" (trusted: no code asked) and "Other devices", with Remove device and Force logout.
import type { TFunction } from 'i18next';
import type { ReactElement } from 'react';
import type { Device } from '../../../contract/index.js';
import { call } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { ActionButton, ErrorMessage, useAction } from '../../components/form.js';
import { locationLabel } from '../../components/mail-clients.js';
import { LoadedContent } from '../../components/loaded-content.js';
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

/** A button of a device's row: what it says, what it is read out as, and the change it sends. */
interface DeviceAction {
  label: 'security.devices.removeDevice' | 'security.devices.forceLogout';
  named: 'security.devices.removeDeviceNamed' | 'security.devices.forceLogoutNamed';
  send(params: { id: string }): Promise<unknown>;
}

const REMOVE_DEVICE: DeviceAction = {
  label: 'security.devices.removeDevice',
  named: 'security.devices.removeDeviceNamed',
  send: (params) => call('DELETE /api/v1/security/devices/:id/trust', { params }),
};

const FORCE_LOGOUT: DeviceAction = {
  label: 'security.devices.forceLogout',
  named: 'security.devices.forceLogoutNamed',
  send: (params) => call('POST /api/v1/security/devices/:id/logout', { params }),
};

function DeviceRow({ device, list, onChanged }: { device: Device; list: 'trusted' | 'other'; onChanged(): Promise<void> }): ReactElement {
  const action = useAction();
  const { t } = useTranslation();
  const name = deviceName(t, device);
  const params = { id: device.id };
  const buttons: DeviceAction[] = [
    // A trusted device that is signed in elsewhere gets both: trust removed, and its sessions ended.
    ...(list === 'trusted' ? [REMOVE_DEVICE] : []),
    // Not offered for this browser: "Sign out" in the header does that.
    ...(device.status === 'signed_in' ? [FORCE_LOGOUT] : []),
  ];
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
        {buttons.map((button) => (
          <ActionButton
            key={button.label}
            action={action}
            label={t(button.label)}
            ariaLabel={t(button.named, { name })}
            run={async () => {
              await button.send(params);
              await onChanged();
            }}
          />
        ))}
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
    <SettingsLayout title={t('common.pages.devices')} intro={t('security.devices.intro')}>
      <LoadedContent state={loaded} value={loaded.data}>
        {(log) => (
          <>
            <DeviceTable
              title={t('security.devices.trusted')}
              devices={log.trusted}
              list="trusted"
              empty={t('security.devices.trustedEmpty')}
              onChanged={loaded.reload}
            />
            <DeviceTable title={t('security.devices.other')} devices={log.other} list="other" empty={t('security.devices.otherEmpty')} onChanged={loaded.reload} />
          </>
        )}
      </LoadedContent>
    </SettingsLayout>
  );
}
