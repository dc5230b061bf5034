// Grouping claimed rows into SMTP transactions.
import { describe, expect, it } from 'vitest';
import type { OutboundRow } from '../../store/index.js';
import { groupRows, MAX_RECIPIENTS_PER_TRANSACTION } from './group-rows.js';

let nextId = 1;
function row(recipient: string, options: { blob?: string; from?: string } = {}): OutboundRow {
  return {
    id: nextId++,
    account_id: null,
    mail_from: options.from ?? 'a@example.test',
    recipient,
    domain: recipient.split('@')[1]!,
    blob_id: options.blob ?? 'b1',
    size: 10,
    status: 'queued',
    attempts: 0,
    next_attempt_at: 0,
    locked_until: 0,
    last_error: null,
    dsn: null,
    created_at: 0,
    expires_at: 0,
  };
}

const recipients = (groups: ReturnType<typeof groupRows>): string[][] => groups.map((g) => g.rows.map((r) => r.recipient));

describe('groupRows', () => {
  it('groups by message, sender and domain', () => {
    const rows = [row('x@one.test'), row('y@two.test'), row('z@One.test'), row('x@one.test', { blob: 'b2' }), row('w@one.test', { from: '' })];
    rows[2]!.domain = 'ONE.test';
    expect(recipients(groupRows(rows))).toEqual([['x@one.test', 'z@One.test'], ['y@two.test'], ['x@one.test'], ['w@one.test']]);
  });

  it('puts every domain in one transaction for a smarthost', () => {
    expect(recipients(groupRows([row('x@one.test'), row('y@two.test')], { byDomain: false }))).toEqual([['x@one.test', 'y@two.test']]);
  });

  it('never names a recipient twice or more than 100 in one transaction', () => {
    expect(recipients(groupRows([row('x@one.test'), row('X@one.test')]))).toEqual([['x@one.test'], ['X@one.test']]);
    const many = Array.from({ length: MAX_RECIPIENTS_PER_TRANSACTION + 1 }, (_, i) => row(`u${i}@one.test`));
    expect(groupRows(many).map((g) => g.rows.length)).toEqual([MAX_RECIPIENTS_PER_TRANSACTION, 1]);
  });
});
