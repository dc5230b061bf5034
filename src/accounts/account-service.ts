// Domains, accounts and aliases: validation, normalisation and password handling over the store.
import { MailwardError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import { normalizeAddress, normalizeDomain } from '../lib/address.js';
import type { Account, AccountChanges, Alias, Domain } from './account.js';
import { accountOf, accountUpdateOf, aliasOf, credentialsOf, domainOf } from './account.js';
import type { PasswordHasher } from './password-hasher.js';
import { assertPasswordStrength } from './password-strength.js';
import type { PolicyService } from './policy-service.js';

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

  async addDomain(name: string): Promise<Domain> {
    return domainOf(await this.deps.store.domains.create({ name: normalizeDomain(name), now: this.deps.now() }));
  }

  async listDomains(): Promise<Domain[]> {
    return (await this.deps.store.domains.list()).map(domainOf);
  }

  /** Whether mail for this (normalised) domain is ours: one indexed lookup, not the whole list. */
  async servesDomain(domain: string): Promise<boolean> {
    return (await this.deps.store.domains.findByName(domain)) !== undefined;
  }

  async removeDomain(name: string): Promise<void> {
    const domain = normalizeDomain(name);
    await this.deps.store.transaction((tx) => tx.domains.remove(domain));
  }

  async #domainOf(domain: string): Promise<Domain> {
    const row = await this.deps.store.domains.findByName(domain);
    if (!row) {
      throw new MailwardError('NOT_FOUND', { message: `domain ${domain} is not served here; add it with: mailward domain add ${domain}` });
    }
    return domainOf(row);
  }

  /** Checks a new password against the strength level in force for the account's domain. */
  async checkNewPassword(address: string, password: string): Promise<void> {
    const { localPart, domain } = normalizeAddress(address);
    const level = await this.deps.policies.get('password.strength', { domain });
    assertPasswordStrength(password, { level, localPart });
  }

  async addUser(input: NewAccount): Promise<Account> {
    const { address, localPart, domain } = normalizeAddress(input.address);
    const served = await this.#domainOf(domain);
    if (await this.deps.store.aliases.findByAddress(address)) {
      throw new MailwardError('EXISTS', { message: `${address} is already an alias` });
    }
    await this.checkNewPassword(address, input.password);
    const passwordHash = await this.deps.hasher.hash(input.password);
    const now = this.deps.now();
    const row = await this.deps.store.accounts.create({
      address,
      local_part: localPart,
      domain_id: served.id,
      display_name: (input.displayName ?? '').trim().slice(0, 200),
      password_hash: passwordHash,
      status: 'active',
      quota_bytes: input.quotaBytes ?? 0,
      is_admin: input.admin ? 1 : 0,
      must_change_password: input.mustChangePassword ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    return accountOf(row);
  }

  async listUsers(options: { domain?: string } = {}): Promise<Account[]> {
    const domainId = options.domain === undefined ? undefined : (await this.#domainOf(normalizeDomain(options.domain))).id;
    return (await this.deps.store.accounts.list(domainId === undefined ? {} : { domainId })).map(accountOf);
  }

  /** The account for an address (not an alias); NOT_FOUND when there is none. */
  async getUser(address: string): Promise<Account> {
    const normalized = normalizeAddress(address).address;
    const row = await this.deps.store.accounts.findByAddress(normalized);
    if (!row) throw new MailwardError('NOT_FOUND', { message: `account ${normalized} does not exist` });
    return accountOf(row);
  }

  /** The account a login name or recipient means: the address itself or an alias of it. */
  async resolve(address: string): Promise<Account | undefined> {
    let normalized: string;
    try {
      normalized = normalizeAddress(address).address;
    } catch {
      return undefined;
    }
    const direct = await this.deps.store.accounts.findByAddress(normalized);
    if (direct) return accountOf(direct);
    const alias = await this.deps.store.aliases.findByAddress(normalized);
    const row = alias ? await this.deps.store.accounts.findById(alias.account_id) : undefined;
    return row && accountOf(row);
  }

  /**
   * Verifies a password; on success upgrades a hash made with outdated parameters, so raising
   * the cost reaches every account as its owner next signs in.
   */
  async verifyPassword(account: Account, secret: string): Promise<boolean> {
    const hash = (await this.#credentials(account)).passwordHash;
    const ok = await this.deps.hasher.verify(hash, secret);
    if (ok && this.deps.hasher.needsRehash(hash)) {
      await this.deps.store.accounts.update(account.id, { password_hash: await this.deps.hasher.hash(secret) });
    }
    return ok;
  }

  /** Checks the personal security code; false when the account has none. */
  async verifySecurityCode(account: Account, code: string): Promise<boolean> {
    const hash = (await this.#credentials(account)).securityCodeHash;
    return hash !== null && this.deps.hasher.verify(hash, code);
  }

  /** The hashes read with the account, or read now for a value that came without them. */
  async #credentials(account: Account): Promise<{ passwordHash: string; securityCodeHash: string | null }> {
    const known = credentialsOf(account);
    if (known) return known;
    const row = await this.deps.store.accounts.findById(account.id);
    if (!row) throw new MailwardError('NOT_FOUND', { message: `account ${account.address} does not exist` });
    return { passwordHash: row.password_hash, securityCodeHash: row.security_code_hash };
  }

  async disable(address: string, reason: string): Promise<Account> {
    const account = await this.getUser(address);
    const text = reason.trim();
    if (!text) throw new MailwardError('INVALID_INPUT', { message: 'a reason is required to disable an account' });
    const now = this.deps.now();
    return this.#update(account.id, { status: 'disabled', disabledReason: text.slice(0, 500), disabledAt: now, updatedAt: now });
  }

  async enable(address: string): Promise<Account> {
    const account = await this.getUser(address);
    return this.#update(account.id, { status: 'active', disabledReason: null, disabledAt: null, updatedAt: this.deps.now() });
  }

  async #update(id: number, changes: AccountChanges): Promise<Account> {
    return accountOf(await this.deps.store.accounts.update(id, accountUpdateOf(changes)));
  }

  async deleteUser(address: string): Promise<void> {
    const account = await this.getUser(address);
    await this.deps.store.accounts.delete(account.id);
  }

  async addAlias(aliasAddress: string, targetAddress: string): Promise<Alias> {
    const { address, domain } = normalizeAddress(aliasAddress);
    const target = await this.getUser(targetAddress);
    const served = await this.#domainOf(domain);
    if (await this.deps.store.accounts.findByAddress(address)) {
      throw new MailwardError('EXISTS', { message: `${address} is already an account` });
    }
    return aliasOf(await this.deps.store.aliases.create({ address, domainId: served.id, accountId: target.id, now: this.deps.now() }));
  }

  async removeAlias(aliasAddress: string): Promise<void> {
    await this.deps.store.aliases.remove(normalizeAddress(aliasAddress).address);
  }

  /** Every alias with the address of the account it delivers to. */
  async listAliases(): Promise<Array<{ alias: Alias; target: string }>> {
    const rows = await this.deps.store.aliases.list();
    return Promise.all(
      rows.map(async (row) => ({ alias: aliasOf(row), target: (await this.deps.store.accounts.findById(row.account_id))?.address ?? '' })),
    );
  }

  async aliasesOf(account: Pick<Account, 'id'>): Promise<string[]> {
    return (await this.deps.store.aliases.listForAccount(account.id)).map((a) => a.address);
  }
}
