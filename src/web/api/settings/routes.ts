// /api/v1/settings: the account's own settings outside Mailbox Security: the profile (display name, webmail language) and the auto-forwarding list.
import { accountDomain } from '../../../lib/index.js';
import type { Account } from '../../../accounts/index.js';
import { profileOf } from '../../../accounts/index.js';
import type { Forwarding } from '../../../transport/index.js';
import { MAX_FORWARD_ADDRESSES } from '../../../transport/index.js';
import type { Security } from '../../../security/index.js';
import type { ForwardingSettings, ProfileSettings } from '../../contract/index.js';
import { SETTINGS_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';

export interface SettingsAPIDeps {
  /** The same Forwarding service inbound delivery reads the lists from. */
  forwarding: Forwarding;
}

export function settingsRoutes(routes: APIRoutes, security: Security, deps: SettingsAPIDeps): void {
  /** The profile as the page shows it; the hint only where the admin allows hints (it is set through /security/password-hint). */
  async function presentProfile(account: Account): Promise<ProfileSettings> {
    const hintsEnabled = await security.policies.get('password.hints_enabled', { domain: accountDomain(account) });
    return {
      address: account.address,
      ...profileOf(account),
      hintsEnabled,
      hint: hintsEnabled ? (account.passwordHint ?? '') : '',
    };
  }

  async function presentForwarding(account: Account, settings: { addresses: string[]; keepCopy: boolean }): Promise<ForwardingSettings> {
    return {
      addresses: settings.addresses,
      keepCopy: settings.keepCopy,
      securityCodeRequired: await security.accountSecurity.securityCodeRequired(account),
      maxAddresses: MAX_FORWARD_ADDRESSES,
    };
  }

  routes.add(SETTINGS_API.profile, {
    auth: 'session',
    handler: async ({ session }) => presentProfile(session.account),
  });
  routes.add(SETTINGS_API.setProfile, {
    auth: 'session',
    handler: async ({ session, body, by }) => presentProfile(await security.profiles.update({ account: session.account, changes: body, by })),
  });

  routes.add(SETTINGS_API.forwarding, {
    auth: 'session',
    handler: async ({ session }) => presentForwarding(session.account, await deps.forwarding.get(session.account)),
  });
  routes.add(SETTINGS_API.setForwarding, {
    auth: 'session',
    handler: async ({ session, body, by }) => {
      const saved = await deps.forwarding.set({
        account: session.account,
        addresses: body.addresses,
        keepCopy: body.keepCopy,
        ...(body.securityCode !== undefined ? { securityCode: body.securityCode } : {}),
        by,
      });
      return presentForwarding(session.account, saved);
    },
  });
}
