// SQLite's answers to DialectTraits.
import type { DialectTraits } from '../dialect-traits.js';

function sqliteCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

export const SQLITE_TRAITS: DialectTraits = {
  name: 'sqlite',
  addIdColumn: (builder, column) => builder.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement()),
  binaryType: 'blob',
  bigintType: 'integer',
  isUniqueViolation: (error) => {
    const code = sqliteCode(error);
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  },
  isForeignKeyViolation: (error) => sqliteCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
};
