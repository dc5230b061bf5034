// The periodic jobs of a server: pruning login records and ended web sessions, reminding of old backup codes; run by one process of several.
import type { App } from './open-app.js';

/** How often the housekeeping runs. */
export const PRUNE_INTERVAL_MS = 3600_000;
const DAY_MS = 24 * 3600_000;

/** The hourly jobs: login records past login_records.retention_days and dead web sessions go; old backup code sets are reminded of. */
export async function housekeeping(app: App): Promise<number> {
  const days = await app.policies.get('login_records.retention_days');
  const removed = await app.security.loginRecords.prune({ before: app.now() - days * DAY_MS });
  if (removed > 0) app.logger.info({ removed, days }, 'pruned login records');
  // Web sessions: rows that ended, or went idle, more than a day ago serve no one (the longest
  // session.idle_minutes is a day); dropping them keeps the table the size of the live sessions.
  const reminded = await app.security.twoFactor.remindAgingBackupCodes();
  if (reminded > 0) app.logger.info({ reminded }, 'reminded accounts of old backup codes');
  const sessions = await app.store.devices.pruneSessions(app.now() - DAY_MS);
  if (sessions > 0) app.logger.info({ removed: sessions }, 'pruned ended web sessions');
  return removed;
}


/** Runs the housekeeping now and every PRUNE_INTERVAL_MS; a failed run is logged and the next one comes as planned. Returns the stop function. */
export function scheduleJobs(app: App): () => void {
  const run = (): void => void housekeeping(app).catch((error: unknown) => app.logger.error({ err: error }, 'housekeeping failed'));
  run();
  const timer = setInterval(run, PRUNE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
