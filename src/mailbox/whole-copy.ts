// COPY and MOVE of a set as a whole (RFC 9051 §6.4.7: a failed COPY leaves the target as it was): when a message of the set is missing, the transaction rolls back.

/** Thrown inside a copy's transaction to roll it back when `whole` was asked and a message was missing. */
class PartlyExpunged extends Error {}

/** The pairs a copy made; with `whole`, throws (rolling the transaction back) when it made fewer than asked. */
export function whole(options: { whole?: boolean }, uids: readonly number[], pairs: Array<[number, number]>): Array<[number, number]> {
  if (options.whole && pairs.length < uids.length) throw new PartlyExpunged();
  return pairs;
}

/** Runs the copy's transaction; `none` when `whole` rolled it back. */
export async function wholeOrNone<T>(options: { whole?: boolean }, work: () => Promise<T>, none: T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (options.whole && error instanceof PartlyExpunged) return none;
    throw error;
  }
}
