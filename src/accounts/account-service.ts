// Domains, accounts and aliases: validation, normalisation and password handling over the store.
import { MailwardError } from '../errors/index.js';
import type { AccountRow, AliasRow, DomainRow, Store } from '../store/index.js';
import { normalizeAddress, normalizeDomain } from '../lib/address.js';
import type { PasswordHasher } from './password-hasher.js';
import { assertPasswordStrength } from './password-strength.js';
import type { PolicyService } from './policy-service.js';

export type AccountStatus = 'active' | 'disabled';

export interface AccountServiceDeps {
  store: Store;
  hasher: PasswordHasher;
  policies: PolicyService;
  now: () => number;
}

export interface NewAccount {
  address: string;
  password: string;
  displayName?: string;
  admin?: boolean;
  quotaBytes?: number;
  /** The password is a generated one-time password: the next sign-in must replace it. */
  mustChangePassword?: boolean;
}

export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  async addDomain(name: string): Promise<DomainRow> {
    return this.deps.store.domains.create({ name: normalizeDomain(name), now: this.deps.now() });
  }

  listDomains(): Promise<DomainRow[]> {
    return this.deps.store.domains.list();
  }

  /** Whether mail for this (normalised) domain is ours: one indexed lookup, not the whole list. */
  async servesDomain(domain: string): Promise<boolean> {
    return (await this.deps.store.domains.findByName(domain)) !== undefined;
  }

  async removeDomain(name: string): Promise<void> {
    const domain = normalizeDomain(name);
    await this.deps.store.transaction((tx) => tx.domains.remove(domain));
  }

  async #domainOf(domain: string): Promise<DomainRow> {
    const row = await this.deps.store.domains.findByName(domain);
    if (!row) {
      throw new MailwardError('NOT_FOUND', { message: `domain ${domain} is not served here; add it with: mailward domain add ${domain}` });
    }
    return row;
  }

  /** Checks a new password against the strength level in force for the account's domain. */
  async checkNewPassword(address: string, password: string): Promise<void> {
    const { localPart, domain } = normalizeAddress(address);
    const level = await this.deps.policies.get('password.strength', { domain });
    assertPasswordStrength(password, { level, localPart });
  }

  async addUser(input: NewAccount): Promise<AccountRow> {
    const { address, localPart, domain } = normalizeAddress(input.address);
    const domainRow = await this.#domainOf(domain);
    if (await this.deps.store.aliases.findByAddress(address)) {
      throw new MailwardError('EXISTS', { message: `${address} is already an alias` });
    }
    await this.checkNewPassword(address, input.password);
    const passwordHash = await this.deps.hasher.hash(input.password);
    const now = this.deps.now();
    return this.deps.store.accounts.create({
      address,
      local_part: localPart,
      domain_id: domainRow.id,
      display_name: (input.displayName ?? '').trim().slice(0, 200),
      password_hash: passwordHash,
      status: 'active',
      quota_bytes: input.quotaBytes ?? 0,
      is_admin: input.admin ? 1 : 0,
      must_change_password: input.mustChangePassword ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
  }

  listUsers(options: { domain?: string } = {}): Promise<AccountRow[]> {
    if (options.domain === undefined) return this.deps.store.accounts.list();
    return this.#domainOf(normalizeDomain(options.domain)).then((d) => this.deps.store.accounts.list({ domainId: d.id }));
  }

  /** The account for an address (not an alias); NOT_FOUND when there is none. */
  async getUser(address: string): Promise<AccountRow> {
    const normalized = normalizeAddress(address).address;
    const row = await this.deps.store.accounts.findByAddress(normalized);
    if (!row) throw new MailwardError('NOT_FOUND', { message: `account ${normalized} does not exist` });
    return row;
  }

  /** The account a login name or recipient means: the address itself or an alias of it. */
  async resolve(address: string): Promise<AccountRow | undefined> {
    let normalized: string;
    try {
      normalized = normalizeAddress(address).address;
    } catch {
      return undefined;
    }
    const direct = await this.deps.store.accounts.findByAddress(normalized);
    if (direct) return direct;
    const alias = await this.deps.store.aliases.findByAddress(normalized);
    return alias ? this.deps.store.accounts.findById(alias.account_id) : undefined;
  }

  /**
   * Verifies a password; on success upgrades a hash made with outdated parameters, so raising
   * the cost reaches every account as its owner next signs in.
   */
  async verifyPassword(account: AccountRow, secret: string): Promise<boolean> {
    const ok = await this.deps.hasher.verify(account.password_hash, secret);
    if (ok && this.deps.hasher.needsRehash(account.password_hash)) {
      await this.deps.store.accounts.update(account.id, { password_hash: await this.deps.hasher.hash(secret) });
    }
    return ok;
  }

  async disable(address: string, reason: string): Promise<AccountRow> {
    const account = await this.getUser(address);
    const text = reason.trim();
    if (!text) throw new MailwardError('INVALID_INPUT', { message: 'a reason is required to disable an account' });
    const now = this.deps.now();
    return this.deps.store.accounts.update(account.id, {
      status: 'disabled',
      disabled_reason: text.slice(0, 500),
      disabled_at: now,
      updated_at: now,
    });
  }

  async enable(address: string): Promise<AccountRow> {
    const account = await this.getUser(address);
    return this.deps.store.accounts.update(account.id, {
      status: 'active',
      disabled_reason: null,
      disabled_at: null,
      updated_at: this.deps.now(),
    });
  }

  async deleteUser(address: string): Promise<void> {
    const account = await this.getUser(address);
    await this.deps.store.accounts.delete(account.id);
  }

  async addAlias(aliasAddress: string, targetAddress: string): Promise<AliasRow> {
    const { address, domain } = normalizeAddress(aliasAddress);
    const target = await this.getUser(targetAddress);
    const domainRow = await this.#domainOf(domain);
    if (await this.deps.store.accounts.findByAddress(address)) {
      throw new MailwardError('EXISTS', { message: `${address} is already an account` });
    }
    return this.deps.store.aliases.create({ address, domainId: domainRow.id, accountId: target.id, now: this.deps.now() });
  }

  async removeAlias(aliasAddress: string): Promise<void> {
    await this.deps.store.aliases.remove(normalizeAddress(aliasAddress).address);
  }

  /** Every alias with the address of the account it delivers to. */
  async listAliases(): Promise<Array<{ alias: AliasRow; target: string }>> {
    const rows = await this.deps.store.aliases.list();
    return Promise.all(
      rows.map(async (alias) => ({ alias, target: (await this.deps.store.accounts.findById(alias.account_id))?.address ?? '' })),
    );
  }

  async aliasesOf(account: AccountRow): Promise<string[]> {
    return (await this.deps.store.aliases.listForAccount(account.id)).map((a) => a.address);
  }
}
