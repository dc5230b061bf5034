// `mailward queue list|retry|delete`: look at the outbound queue, make an entry due now, or remove it.
import type { Command } from 'commander';
import type { OutboundRow } from '../../transport/outbound/index.js';
import { OutboundQueueAdmin, parseQueueId, queueEntryState } from '../../transport/index.js';
import type { App } from '../../app/open-app.js';
import type { GlobalOptions } from '../context.js';
import { withApp } from '../context.js';
import { isoTime, printJSON, printTable } from '../output.js';

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
  queue
    .command('list')
    .option('--json', 'print JSON')
    .description('list queued and failed outbound deliveries (status: queued, deferred, sending, failed)')
    .action((options: { json?: boolean }) =>
      withApp(globals(), async (app) => {
        const now = app.now();
        const views = (await admin(app).list({ limit: 10_000 })).map((row) => presentQueueEntry(row, now));
        if (options.json) printJSON(views);
        else
          printTable(
            ['ID', 'RECIPIENT', 'SENDER', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST ERROR'],
            views.map((v) => [String(v.id), v.recipient, v.sender, v.status, String(v.attempts), v.nextAttemptAt ?? '-', v.lastError ?? '']),
          );
      }),
    );
  queue
    .command('retry')
    .argument('<id>', 'queue entry id (from `queue list`)')
    .description('try an entry again now (a failed one is queued again); a running server picks it up within seconds')
    .action((idText: string) =>
      withApp(globals(), async (app) => {
        const id = parseQueueId(idText);
        await admin(app).retry(id);
        process.stdout.write(`queue entry ${id} will be retried now\n`);
      }),
    );
  queue
    .command('delete')
    .argument('<id>', 'queue entry id (from `queue list`)')
    .description('remove an entry without delivering or bouncing it')
    .action((idText: string) =>
      withApp(globals(), async (app) => {
        const id = parseQueueId(idText);
        const row = await admin(app).delete(id);
        process.stdout.write(`queue entry ${id} (${row.recipient}) deleted\n`);
      }),
    );
}
