// /api/v1/settings: the account's own settings outside Mailbox Security: the profile (display name, webmail language) and the auto-forwarding list.
import { accountDomain } from '../../../lib/index.js';
import type { AccountRow } from '../../../accounts/index.js';
import type { Forwarding } from '../../../transport/index.js';
import { MAX_FORWARD_ADDRESSES } from '../../../transport/index.js';
import type { Security } from '../../../security/index.js';
import type { ForwardingSettings, ProfileSettings } from '../../contract/index.js';
import { SETTINGS_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';

export interface SettingsAPIDeps {
  /** Where the profile is kept (accounts.display_name and accounts.language): the store's account repository. */
  store: { accounts: { update(id: number, changes: Pick<AccountRow, 'display_name' | 'language'>): Promise<AccountRow> } };
  /** The same Forwarding service inbound delivery reads the lists from. */
  forwarding: Forwarding;
}

interface Profile {
  displayName: string;
  language: string;
}

function profileOf(account: AccountRow): Profile {
  return { displayName: account.display_name, language: account.language };
}

export function settingsRoutes(routes: APIRoutes, security: Security, deps: SettingsAPIDeps): void {
  /** The profile as the page shows it; the hint only where the admin allows hints (it is set through /security/password-hint). */
  async function presentProfile(account: AccountRow): Promise<ProfileSettings> {
    const hintsEnabled = await security.policies.get('password.hints_enabled', { domain: accountDomain(account) });
    return {
      address: account.address,
      ...profileOf(account),
      hintsEnabled,
      hint: hintsEnabled ? (account.password_hint ?? '') : '',
    };
  }

  async function presentForwarding(account: AccountRow, settings: { addresses: string[]; keepCopy: boolean }): Promise<ForwardingSettings> {
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
    handler: async ({ session, body, by }) => {
      const account = session.account;
      const before = profileOf(account);
      const after: Profile = { displayName: body.displayName ?? before.displayName, language: body.language ?? before.language };
      if (after.displayName === before.displayName && after.language === before.language) return presentProfile(account);
      const updated = await deps.store.accounts.update(account.id, { display_name: after.displayName, language: after.language });
      await security.audit.append({ actor: by.actor, action: 'profile.changed', account, ip: by.ip, details: { before, after } });
      return presentProfile(updated);
    },
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
