// Raw policy records: (scope, key) → JSON value; typing lives in accounts/policy-schema.
import type { Kysely } from 'kysely';
import type { PolicyRow, Tables } from '../schema.js';

export const GLOBAL_SCOPE = 'global';

/** The scope string of a domain's own policy records. */
export function domainScope(domain: string): string {
  return `domain:${domain}`;
}

export interface PolicyRepository {
  get(scope: string, key: string): Promise<PolicyRow | undefined>;
  /** Records of one scope, or of every scope. */
  list(scope?: string): Promise<PolicyRow[]>;
  set(input: { scope: string; key: string; value: string; now: number }): Promise<void>;
  remove(scope: string, key: string): Promise<boolean>;
}

export function createPolicyRepository(db: Kysely<Tables>): PolicyRepository {
  return {
    get: (scope, key) =>
      db.selectFrom('policies').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst(),
    list: (scope) => {
      let query = db.selectFrom('policies').selectAll();
      if (scope !== undefined) query = query.where('scope', '=', scope);
      return query.orderBy('scope').orderBy('key').execute();
    },
    async set({ scope, key, value, now }) {
      await db
        .insertInto('policies')
        .values({ scope, key, value, updated_at: now })
        .onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ value, updated_at: now }))
        .execute();
    },
    async remove(scope, key) {
      const result = await db.deleteFrom('policies').where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
