// PostgreSQL's answers to DialectTraits.
import type { DialectTraits } from '../dialect-traits.js';

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

export const POSTGRES_TRAITS: DialectTraits = {
  name: 'postgres',
  addIdColumn: (builder, column) =>
    builder.addColumn(column, 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()),
  binaryType: 'bytea',
  bigintType: 'bigint',
  isUniqueViolation: (error) => pgCode(error) === '23505',
  isForeignKeyViolation: (error) => pgCode(error) === '23503',
};
