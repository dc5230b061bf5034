// Device log: "My frequently used devices" (trusted: no code asked) and "Other devices", with Remove device and Force logout.
import type { ReactElement } from 'react';
import { request } from '../../api';
import type { Device, DeviceLog } from '../../api-types';
import { ErrorMessage, useAction } from '../../components/form';
import { SettingsLayout } from '../../components/settings-layout';
import { useLoad } from '../../components/use-load';
import { formatTime, protocolLabel } from '../../format';

const STATUS: Record<Device['status'], string> = {
  current: 'Signed in — current device',
  signed_in: 'Signed in',
  logged_out: 'Logged out',
};

/** "Windows 11 / Chrome 131" for a browser; "Thunderbird (IMAP4)" for a mail client, which has no OS to show. */
function deviceName(device: Device): string {
  if (device.kind === 'mail_client') return `${device.client || 'Mail client'} (${protocolLabel(device.protocol)})`;
  return [device.os || 'Unknown OS', device.client || 'Unknown browser'].join(' / ');
}

function DeviceRow({ device, list, onChanged }: { device: Device; list: 'trusted' | 'other'; onChanged(): Promise<void> }): ReactElement {
  const action = useAction();
  const name = deviceName(device);
  let button: ReactElement | null = null;
  if (list === 'trusted') {
    button = (
      <button
        type="button"
        disabled={action.busy}
        aria-label={`Remove device ${name}`}
        onClick={() =>
          void action.run(async () => {
            await request('DELETE', `/api/v1/security/devices/${encodeURIComponent(device.id)}/trust`);
            await onChanged();
          })
        }
      >
        Remove device
      </button>
    );
  } else if (device.status === 'signed_in') {
    // Not offered for this browser: "Sign out" in the header does that.
    button = (
      <button
        type="button"
        disabled={action.busy}
        aria-label={`Force logout ${name}`}
        onClick={() =>
          void action.run(async () => {
            await request('POST', `/api/v1/security/devices/${encodeURIComponent(device.id)}/logout`);
            await onChanged();
          })
        }
      >
        Force logout
      </button>
    );
  }
  return (
    <tr className={device.status === 'current' ? 'current' : undefined}>
      <td>{STATUS[device.status]}</td>
      <td>{name}</td>
      <td>{formatTime(device.firstLoginAt)}</td>
      <td>{formatTime(device.lastLoginAt)}</td>
      <td>
        {device.lastLocation}
        {device.lastIp ? <span className="hint"> ({device.lastIp})</span> : null}
      </td>
      <td>
        {button}
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}

function DeviceTable({ title, devices, list, empty, onChanged }: { title: string; devices: Device[]; list: 'trusted' | 'other'; empty: string; onChanged(): Promise<void> }): ReactElement {
  return (
    <table>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Device</th>
          <th scope="col">First login</th>
          <th scope="col">Last login</th>
          <th scope="col">Login location</th>
          <th scope="col">Action</th>
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
  return (
    <SettingsLayout title="Device log">
      <p>
        The browsers and mail clients that signed in to your account. If you do not recognise one, force it out and change your password. A device
        becomes trusted when you tick "This is my trusted device" while entering a two-factor code.
      </p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      {loaded.data ? (
        <>
          <DeviceTable
            title="My frequently used devices"
            devices={loaded.data.trusted}
            list="trusted"
            empty="No trusted devices. With two-factor authentication on, no code is asked on a trusted device."
            onChanged={loaded.reload}
          />
          <DeviceTable title="Other devices" devices={loaded.data.other} list="other" empty="No other devices." onChanged={loaded.reload} />
        </>
      ) : loaded.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </SettingsLayout>
  );
}
