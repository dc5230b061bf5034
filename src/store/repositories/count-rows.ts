// How many rows a query selects, as a number on both dialects (PostgreSQL's count(*) comes back as a string).
import type { SelectQueryBuilder } from 'kysely';

export async function countRows<DB, TB extends keyof DB>(query: SelectQueryBuilder<DB, TB, object>): Promise<number> {
  // The aliased column is known here; Kysely's types cannot name it through the generic tables.
  const row = (await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()) as { n: number | string };
  return Number(row.n);
}
