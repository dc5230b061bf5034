// `mailward queue list|retry|delete`: look at the outbound queue, make an entry due now, or remove it.
import type { Command } from 'commander';
import type { OutboundRow } from '../../transport/outbound/index.js';
import { OutboundQueueAdmin, parseQueueId, queueEntryState } from '../../transport/index.js';
import type { App } from '../../app/open-app.js';
import type { CommandSpec, JSONOption } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { isoTime, printRows } from '../output.js';

export interface QueueEntryView {
  id: number;
  recipient: string;
  /** '<>' for a bounce (null reverse-path). */
  sender: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  size: number;
  createdAt: string | null;
  expiresAt: string | null;
}

/** An allow-list of the row's fields: the message itself and its DSN parameters stay out. */
function presentQueueEntry(row: OutboundRow, now: number): QueueEntryView {
  const state = queueEntryState(row, now);
  return {
    id: row.id,
    recipient: row.recipient,
    sender: row.mail_from === '' ? '<>' : row.mail_from,
    status: state,
    attempts: row.attempts,
    nextAttemptAt: state === 'failed' ? null : isoTime(row.next_attempt_at),
    lastError: row.last_error,
    size: row.size,
    createdAt: isoTime(row.created_at),
    expiresAt: isoTime(row.expires_at),
  };
}

function admin(app: App): OutboundQueueAdmin {
  return new OutboundQueueAdmin({ store: app.store, now: app.now });
}

export function registerQueueCommands(program: Command, globals: () => GlobalOptions): void {
  const queue = program.command('queue').description('inspect and manage the outbound mail queue');
  const list: CommandSpec = { usage: 'list', json: true, description: 'list queued and failed outbound deliveries (status: queued, deferred, sending, failed)' };
  command(queue, globals, list, async (app, options: JSONOption) => {
    const now = app.now();
    const views = (await admin(app).list({ limit: 10_000 })).map((row) => presentQueueEntry(row, now));
    printRows(views, options, ['ID', 'RECIPIENT', 'SENDER', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST ERROR'], (v) => [
      String(v.id),
      v.recipient,
      v.sender,
      v.status,
      String(v.attempts),
      v.nextAttemptAt ?? '-',
      v.lastError ?? '',
    ]);
  });
  const about = ['queue entry id (from `queue list`)'];
  const retry: CommandSpec = { usage: 'retry <id>', about, description: 'try an entry again now (a failed one is queued again); a running server picks it up within seconds' };
  command(queue, globals, retry, async (app, idText: string) => {
    const id = parseQueueId(idText);
    await admin(app).retry(id);
    process.stdout.write(`queue entry ${id} will be retried now\n`);
  });
  command(queue, globals, { usage: 'delete <id>', about, description: 'remove an entry without delivering or bouncing it' }, async (app, idText: string) => {
    const id = parseQueueId(idText);
    const row = await admin(app).delete(id);
    process.stdout.write(`queue entry ${id} (${row.recipient}) deleted\n`);
  });
}
