// DKIM keys of the served domains: created, listed, looked up for signing and retired on rotation.
import type { Kysely } from 'kysely';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { DKIMKeyRow, NewDKIMKeyRow, Tables } from '../schema.js';
import { writeUnique } from './write-unique.js';

export interface DKIMRepository {
  /** Fails with EXISTS when the selector is taken for the domain or an active key of that algorithm already exists. */
  create(row: NewDKIMKeyRow): Promise<DKIMKeyRow>;
  /** Every key of a domain (active and retired), newest first. */
  listForDomain(domainId: number): Promise<DKIMKeyRow[]>;
  findActive(domainId: number, algorithm: string): Promise<DKIMKeyRow | undefined>;
  /** The active keys of a domain by its (A-label, lower-case) name: what signing needs, in one query. */
  listActiveByDomainName(name: string): Promise<DKIMKeyRow[]>;
  /** Marks a key as no longer used for signing; true when it was active. */
  retire(id: number, now: number): Promise<boolean>;
}

export function createDKIMRepository(db: Kysely<Tables>, traits: DialectTraits): DKIMRepository {
  return {
    create: (row) =>
      writeUnique(traits, `DKIM selector ${row.selector} is already used for this domain, or another active ${row.algorithm} key was just created`, () =>
        db.insertInto('dkim_keys').values(row).returningAll().executeTakeFirstOrThrow(),
      ),
    listForDomain: (domainId) =>
      db.selectFrom('dkim_keys').selectAll().where('domain_id', '=', domainId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute(),
    findActive: (domainId, algorithm) =>
      db
        .selectFrom('dkim_keys')
        .selectAll()
        .where('domain_id', '=', domainId)
        .where('algorithm', '=', algorithm)
        .where('active', '=', 1)
        .executeTakeFirst(),
    listActiveByDomainName: (name) =>
      db
        .selectFrom('dkim_keys')
        .innerJoin('domains', 'domains.id', 'dkim_keys.domain_id')
        .selectAll('dkim_keys')
        .where('domains.name', '=', name)
        .where('dkim_keys.active', '=', 1)
        .orderBy('dkim_keys.algorithm', 'desc')
        .orderBy('dkim_keys.id')
        .execute(),
    async retire(id, now) {
      const result = await db
        .updateTable('dkim_keys')
        .set({ active: 0, retired_at: now })
        .where('id', '=', id)
        .where('active', '=', 1)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
