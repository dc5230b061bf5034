// Mail domains served by this installation.
import type { Kysely } from 'kysely';
import { MailwardError } from '../../errors/index.js';
import type { DialectTraits } from '../dialects/dialect-traits.js';
import type { DomainRow, Tables } from '../schema.js';
import { countRows } from './count-rows.js';
import { writeUnique } from './write-unique.js';

export interface DomainRepository {
  create(input: { name: string; now: number }): Promise<DomainRow>;
  findByName(name: string): Promise<DomainRow | undefined>;
  list(): Promise<DomainRow[]>;
  /** Removes a domain without accounts or aliases; its domain-scoped policies go with it. */
  remove(name: string): Promise<void>;
}

export function createDomainRepository(db: Kysely<Tables>, traits: DialectTraits): DomainRepository {
  return {
    create: ({ name, now }) =>
      writeUnique(traits, `domain ${name} already exists`, () => db.insertInto('domains').values({ name, created_at: now }).returningAll().executeTakeFirstOrThrow()),
    findByName: (name) => db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst(),
    list: () => db.selectFrom('domains').selectAll().orderBy('name').execute(),
    async remove(name) {
      const domain = await db.selectFrom('domains').select('id').where('name', '=', name).executeTakeFirst();
      if (!domain) throw new MailwardError('NOT_FOUND', { message: `domain ${name} does not exist` });
      const count = await countRows(db.selectFrom('accounts').where('domain_id', '=', domain.id));
      if (count > 0) {
        throw new MailwardError('IN_USE', { message: `domain ${name} still has ${count} account(s); delete them first` });
      }
      await db.deleteFrom('aliases').where('domain_id', '=', domain.id).execute();
      await db.deleteFrom('policies').where('scope', '=', `domain:${name}`).execute();
      await db.deleteFrom('domains').where('id', '=', domain.id).execute();
    },
  };
}
