// Appends and reads the audit log: who changed what security setting, when, from where.
import type { AuditRow, Repositories, Store } from '../store/index.js';

export interface AuditEntry {
  /** Who: 'user:<address>', 'admin:cli', 'system'. */
  actor: string;
  action: AuditAction;
  account?: { id: number; address: string } | undefined;
  ip?: string | undefined;
  /** Before/after values where safe; never a secret or a hash. */
  details?: Record<string, unknown>;
}

export type AuditAction =
  | 'password.changed'
  | 'password.set_by_admin'
  | 'password.hint_changed'
  | 'security_code.set'
  | 'services.changed'
  | 'app_password.created'
  | 'app_password.revoked'
  | 'policy.changed'
  | 'account.created'
  | 'account.deleted'
  | 'account.disabled'
  | 'account.enabled'
  | 'sessions.revoked'
  | 'blocks.cleared'
  | 'forwarding.changed'
  | 'profile.changed'
  | 'two_factor.enabled'
  | 'two_factor.disabled'
  | 'two_factor.reset'
  | 'backup_codes.regenerated'
  | 'backup_code.used'
  | 'device.trusted'
  | 'device.removed'
  | 'device.logged_out'
  | 'alternate_email.requested'
  | 'alternate_email.verified'
  | 'alternate_email.removed'
  | 'password.reset_requested'
  | 'password.reset'
  | 'alerts.changed'
  | 'passkey.added'
  | 'passkey.renamed'
  | 'passkey.removed';

export interface AuditView {
  id: number;
  time: number;
  account: string | null;
  actor: string;
  ip: string;
  action: string;
  details: Record<string, unknown>;
}

export function presentAudit(row: AuditRow): AuditView {
  return {
    id: row.id,
    time: row.time,
    account: row.account_address,
    actor: row.actor,
    ip: row.ip,
    action: row.action,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

export class AuditLog {
  constructor(
    private readonly store: Pick<Store, 'audit'>,
    private readonly now: () => number,
  ) {}

  /**
   * `options.in`: the repositories of the transaction making the change, so the record is written
   * with the change or not at all.
   */
  async append(entry: AuditEntry, options: { in?: Pick<Repositories, 'audit'> } = {}): Promise<void> {
    await (options.in ?? this.store).audit.append({
      time: this.now(),
      account_id: entry.account?.id ?? null,
      account_address: entry.account?.address ?? null,
      actor: entry.actor,
      ip: entry.ip ?? '',
      action: entry.action,
      details: JSON.stringify(entry.details ?? {}),
    });
  }

  /** Newest first; per account or global. */
  async list(options: { accountId?: number; limit?: number; after?: { time: number; id: number } } = {}): Promise<AuditView[]> {
    const rows = await this.store.audit.page({
      ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
      limit: Math.min(options.limit ?? 100, 1000),
      ...(options.after ? { after: options.after } : {}),
    });
    return rows.map(presentAudit);
  }
}
