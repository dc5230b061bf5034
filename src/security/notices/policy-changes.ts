// Admin policy changes, validated and audited with their before and after values.
import type { PolicyService } from '../../accounts/index.js';
import type { AuditLog } from '../../kernel/audit-log.js';
import type { Actor } from '../../kernel/actor.js';

export async function changePolicy(
  deps: { policies: PolicyService; audit: AuditLog },
  options: { key: string; value: unknown; domain?: string; by: Actor },
): Promise<{ before: unknown; after: unknown }> {
  const scope = options.domain !== undefined ? { domain: options.domain } : {};
  const change = await deps.policies.set(options.key, options.value, scope);
  await deps.audit.append({
    actor: options.by.actor,
    action: 'policy.changed',
    ip: options.by.ip,
    details: { key: options.key, scope: options.domain ?? 'global', before: change.before, after: change.after },
  });
  return change;
}
