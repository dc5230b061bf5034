// `mailward user devices|logout`: an account's device log, and forcing one device or every session out.
import type { Command } from 'commander';
import { MailwardError } from '../../errors/index.js';
import type { DeviceView } from '../../security/index.js';
import type { CommandSpec, JSONOption } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { isoTime, printJSON, printTable } from '../output.js';
import { CLI_ACTOR } from './actor.js';

const DEVICE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function row(device: DeviceView, list: 'trusted' | 'other'): string[] {
  return [
    device.id,
    list,
    device.status.replace('_', ' '),
    device.kind === 'browser' ? `${device.client || 'browser'}${device.os ? ` on ${device.os}` : ''}` : `${device.client || 'mail client'} (${device.protocol.toUpperCase()})`,
    isoTime(device.firstLoginAt) ?? '',
    isoTime(device.lastLoginAt) ?? '',
    device.lastIp,
    device.lastLocation,
  ];
}

export function registerUserDeviceCommands(user: Command, globals: () => GlobalOptions): void {
  const devices: CommandSpec = {
    usage: 'devices <address>',
    json: true,
    description: 'show the device log of an account: trusted devices and other devices, with status and last login',
  };
  command(user, globals, devices, async (app, address: string, options: JSONOption) => {
    const account = await app.accounts.getUser(address);
    const log = await app.security.devices.log(account);
    if (options.json) printJSON(log);
    else
      printTable(
        ['ID', 'LIST', 'STATUS', 'DEVICE', 'FIRST LOGIN', 'LAST LOGIN', 'IP', 'LOCATION'],
        [...log.trusted.map((d) => row(d, 'trusted')), ...log.other.map((d) => row(d, 'other'))],
      );
  });

  const logout: CommandSpec = {
    usage: 'logout <address>',
    options: [['--device <id>', 'only this device (an ID from `user devices`)']],
    description: 'sign an account out: every session of one device, or every session everywhere; live connections close within a second',
  };
  command(user, globals, logout, async (app, address: string, options: { device?: string }) => {
    const account = await app.accounts.getUser(address);
    if (options.device !== undefined) {
      if (!DEVICE_ID.test(options.device)) throw new MailwardError('INVALID_INPUT', { message: '--device: expected a device ID as `user devices` shows it' });
      await app.security.devices.forceLogout({ account, deviceId: options.device.toLowerCase(), by: CLI_ACTOR });
      process.stdout.write(`signed out device ${options.device.toLowerCase()} of ${account.address}\n`);
    } else {
      await app.security.accountSecurity.revokeSessions({ account, by: CLI_ACTOR });
      process.stdout.write(`signed out every session of ${account.address}\n`);
    }
  });
}
