// The account's profile (display name, webmail language): changed by its owner, audited with what changed.
import type { Actor } from '../kernel/actor.js';
import type { AuditLog } from '../kernel/audit-log.js';
import type { Repositories } from '../store/index.js';
import type { Account } from './account.js';
import { accountRecords } from './account-records.js';

export interface Profile {
  displayName: string;
  language: string;
}

export interface ProfileServiceDeps {
  store: Pick<Repositories, 'accounts'>;
  audit: Pick<AuditLog, 'append'>;
}

export function profileOf(account: Account): Profile {
  return { displayName: account.displayName, language: account.language };
}

export class ProfileService {
  constructor(private readonly deps: ProfileServiceDeps) {}

  /**
   * Sets the fields given (the caller has checked them: length, no control characters, a known
   * language). Nothing is written or audited when nothing changes; otherwise the audit record
   * holds the profile before and after.
   */
  async update(options: { account: Account; changes: Partial<Profile>; by: Actor }): Promise<Account> {
    const { account, by } = options;
    const before = profileOf(account);
    const after: Profile = { displayName: options.changes.displayName ?? before.displayName, language: options.changes.language ?? before.language };
    if (after.displayName === before.displayName && after.language === before.language) return account;
    const updated = await accountRecords(this.deps.store).update(account.id, { displayName: after.displayName, language: after.language });
    await this.deps.audit.append({ actor: by.actor, action: 'profile.changed', account, ip: by.ip, details: { before, after } });
    return updated;
  }
}
