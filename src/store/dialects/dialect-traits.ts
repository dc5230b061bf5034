// What differs between SQLite and PostgreSQL in schema and error handling; each dialect folder provides one.
import type { ColumnDataType, CreateTableBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export interface DialectTraits {
  readonly name: DialectName;
  /** Adds an auto-incrementing 64-bit primary key column. */
  addIdColumn<T extends string>(builder: CreateTableBuilder<T, never>, column: string): CreateTableBuilder<T, never>;
  /** Column type for binary data. */
  readonly binaryType: ColumnDataType;
  /** Column type for epoch-millisecond times and byte counts (must hold 2^53). */
  readonly bigintType: ColumnDataType;
  /** True when the driver error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean;
  /** True when the driver error is a foreign-key violation. */
  isForeignKeyViolation(error: unknown): boolean;
}
