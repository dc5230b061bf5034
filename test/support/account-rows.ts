// An account row written straight into the store, for tests below the account service (no hashing, no policies, no audit).
import type { AccountRow, Store } from '../../src/store/index.js';

export interface AccountRowOptions {
  domainId: number;
  now: number;
  displayName?: string;
}

/** An active account that is no administrator, under a password hash nothing verifies. */
export function insertAccount(store: Pick<Store, 'accounts'>, address: string, options: AccountRowOptions): Promise<AccountRow> {
  return store.accounts.create({
    address,
    local_part: address.split('@')[0]!,
    domain_id: options.domainId,
    display_name: options.displayName ?? '',
    password_hash: '$argon2id$x',
    status: 'active',
    quota_bytes: 0,
    is_admin: 0,
    must_change_password: 0,
    created_at: options.now,
    updated_at: options.now,
  });
}
