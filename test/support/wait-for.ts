// Waiting on a condition instead of sleeping: returns as soon as it holds, fails with what it was waiting for.

export interface WaitForOptions {
  /** Fails after this long (ms); 5000 unless told. */
  timeout?: number;
  /** Time between two checks (ms); 10 unless told. */
  interval?: number;
  /** What is awaited, for the failure message. */
  what?: string;
}

/** Checks `condition` until it returns a truthy value (awaited when a promise), and returns that value. */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? 5000;
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeout} ms waiting for ${options.what ?? String(condition)}`);
    await new Promise((resolve) => setTimeout(resolve, options.interval ?? 10));
  }
}
