// A write that may hit a unique constraint: the violation becomes EXISTS naming what is taken, any other error stays as it is.
import { MailwardError } from '../../errors/index.js';
import type { DialectTraits } from '../dialects/dialect-traits.js';

export async function writeUnique<T>(traits: DialectTraits, taken: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (traits.isUniqueViolation(error)) throw new MailwardError('EXISTS', { message: taken });
    throw error;
  }
}
