// App passwords: generated (never chosen) secrets for mail clients, scoped to protocols, shown once, stored as keyed hashes.
import { randomInt } from 'node:crypto';
import { MailwardError } from '../../errors/index.js';
import type { Account } from '../../accounts/index.js';
import type { AppPasswordRow, Store } from '../../store/index.js';
import type { EventBus } from '../../shared-state/index.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import type { ServerKey } from '../../kernel/server-key.js';

export const APP_PASSWORD_PROTOCOLS = ['smtp', 'imap', 'pop3'] as const;
export type AppPasswordProtocol = (typeof APP_PASSWORD_PROTOCOLS)[number];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** 16 letters: 26^16 ≈ 2^75, far beyond guessing, so a keyed SHA-256 (not a slow hash) is enough to store it. */
const SECRET_LENGTH = 16;

/** Spaces are for reading; case is for nobody: "Abcd efgh …" and "abcdefgh…" are the same secret. */
export function normalizeAppPassword(text: string): string {
  return text.replace(/[\s-]/g, '').toLowerCase();
}

export function looksLikeAppPassword(text: string): boolean {
  return /^[a-z]{16}$/.test(normalizeAppPassword(text));
}

export interface AppPasswordView {
  id: number;
  name: string;
  protocols: AppPasswordProtocol[];
  createdAt: number;
  createdIp: string;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
}

export function presentAppPassword(row: AppPasswordRow): AppPasswordView {
  return {
    id: row.id,
    name: row.name,
    protocols: row.protocols.split(',').filter(Boolean) as AppPasswordProtocol[],
    createdAt: row.created_at,
    createdIp: row.created_ip,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
  };
}

export function parseProtocols(list: string | readonly string[]): AppPasswordProtocol[] {
  const items = (typeof list === 'string' ? list.split(',') : [...list]).map((p) => p.trim().toLowerCase()).filter(Boolean);
  if (items.length === 0) throw new MailwardError('INVALID_INPUT', { message: 'app password: at least one protocol (smtp, imap, pop3) is required' });
  for (const item of items) {
    if (!(APP_PASSWORD_PROTOCOLS as readonly string[]).includes(item)) {
      throw new MailwardError('INVALID_INPUT', { message: `app password: unknown protocol "${item.slice(0, 20)}" (expected smtp, imap or pop3)` });
    }
  }
  return APP_PASSWORD_PROTOCOLS.filter((p) => items.includes(p));
}

export interface AppPasswordDeps {
  store: Pick<Store, 'appPasswords'>;
  key: ServerKey;
  audit: AuditLog;
  events: EventBus;
  now: () => number;
}

export const MAX_APP_PASSWORDS = 50;

export class AppPasswords {
  constructor(private readonly deps: AppPasswordDeps) {}

  hashOf(secret: string): string {
    return this.deps.key.mac('app-password', normalizeAppPassword(secret));
  }

  /** Creates one; the secret is returned only here, grouped for reading ("abcd efgh ijkl mnop"). */
  async create(options: {
    account: Account;
    name: string;
    protocols: readonly string[] | string;
    actor: string;
    ip?: string;
  }): Promise<{ appPassword: AppPasswordView; secret: string }> {
    const name = options.name.trim().replace(/[\u0000-\u001f\u007f]/g, '');
    if (name.length === 0 || name.length > 100) {
      throw new MailwardError('INVALID_INPUT', { message: 'app password: a name of 1 to 100 characters is required' });
    }
    const protocols = parseProtocols(options.protocols);
    const existing = await this.deps.store.appPasswords.listForAccount(options.account.id);
    if (existing.length >= MAX_APP_PASSWORDS) {
      throw new MailwardError('LIMIT', { message: `app password: at most ${MAX_APP_PASSWORDS} per account; revoke unused ones first` });
    }
    const raw = Array.from({ length: SECRET_LENGTH }, () => LETTERS[randomInt(LETTERS.length)]).join('');
    const row = await this.deps.store.appPasswords.create({
      accountId: options.account.id,
      name,
      protocols: protocols.join(','),
      secretHash: this.hashOf(raw),
      now: this.deps.now(),
      ip: options.ip ?? '',
    });
    await this.deps.audit.append({
      actor: options.actor,
      action: 'app_password.created',
      account: options.account,
      ip: options.ip,
      details: { id: row.id, name, protocols },
    });
    await this.deps.events.publish({
      type: 'AppPasswordCreated',
      at: this.deps.now(),
      accountId: options.account.id,
      address: options.account.address,
      appPasswordId: row.id,
      name,
    });
    return { appPassword: presentAppPassword(row), secret: raw.match(/.{4}/g)!.join(' ') };
  }

  async list(account: Account): Promise<AppPasswordView[]> {
    return (await this.deps.store.appPasswords.listForAccount(account.id)).map(presentAppPassword);
  }

  /** The account's app password with this secret, if any (a keyed-hash lookup: one query, no slow hash). */
  async find(account: Account, secret: string): Promise<AppPasswordRow | undefined> {
    if (!looksLikeAppPassword(secret)) return undefined;
    const row = await this.deps.store.appPasswords.findByHash(this.hashOf(secret));
    return row && row.account_id === account.id ? row : undefined;
  }

  async markUsed(row: AppPasswordRow, options: { ip: string; now?: number }): Promise<void> {
    await this.deps.store.appPasswords.markUsed(row.id, { now: options.now ?? this.deps.now(), ip: options.ip });
  }

  async revoke(options: { account: Account; id: number; actor: string; ip?: string }): Promise<void> {
    const removed = await this.deps.store.appPasswords.remove(options.account.id, options.id);
    if (!removed) throw new MailwardError('NOT_FOUND', { message: `app password ${options.id} does not exist for ${options.account.address}` });
    await this.deps.audit.append({
      actor: options.actor,
      action: 'app_password.revoked',
      account: options.account,
      ip: options.ip,
      details: { id: options.id },
    });
    await this.deps.events.publish({
      type: 'AppPasswordRevoked',
      at: this.deps.now(),
      accountId: options.account.id,
      address: options.account.address,
      appPasswordId: options.id,
    });
  }
}
