// Claims over SQLite and PostgreSQL: a dead worker's rows are taken over, two workers never send a row twice, a stopping worker gives rows back.
import { expect, it } from 'vitest';
import { describeOnEveryDialect } from '../../../test/support/every-dialect.js';
import { message, outboundFixture } from '../../../test/support/outbound-fixture.js';

function subjectOf(data: Buffer): string {
  return /^Subject: (.*)$/m.exec(data.toString('utf8'))?.[1]?.trim() ?? '';
}

describeOnEveryDialect('outbound claims', outboundFixture, (f) => {
  it('delivers rows a dead worker had claimed once its claim lapsed, and leaves live claims alone', async () => {
    const mx = await f.remote();
    // A live worker holds this one for an hour.
    const [live] = await f.enqueue(message('Claimed by the living'), { to: ['carol@remote.test'] });
    const held = await f.store.outbound.claimDue({ now: Date.now(), limit: 10, lockMs: 3600_000 });
    expect(held.map((r) => r.id)).toEqual([live]);

    // Another worker claimed this one ten minutes ago for one minute, then its process died.
    const [lapsed] = await f.enqueue(message('Claimed by the dead'), { to: ['bob@remote.test'], now: Date.now() - 20 * 60_000 });
    const dead = await f.store.outbound.claimDue({ now: Date.now() - 10 * 60_000, limit: 10, lockMs: 60_000 });
    expect(dead.map((r) => r.id)).toEqual([lapsed]);
    expect(dead[0]!.locked_until).toBeLessThan(Date.now());

    // A new worker after the restart.
    await f.worker({ port: mx.port }).runOnce();
    expect(mx.received.map((m) => subjectOf(m.data))).toEqual(['Claimed by the dead']);
    expect((await f.rows()).map((r) => r.id)).toEqual([live]);
  });

  it('resumes the queue after a restart: a started worker picks up rows already in the database', async () => {
    const mx = await f.remote();
    await f.enqueue(message('Waiting since before the restart'), { to: ['bob@remote.test'] });
    const worker = f.worker({ port: mx.port, pollMs: 50 });
    worker.start();
    await expect.poll(() => mx.received.length, { timeout: 5000 }).toBe(1);
    await expect.poll(async () => (await f.rows()).length, { timeout: 5000 }).toBe(0);

    // A kick makes a started worker look at once, without waiting for the poll.
    const kicked = f.worker({ port: mx.port, pollMs: 60_000 });
    kicked.start();
    await kicked.idle();
    await f.enqueue(message('Kicked'), { to: ['carol@remote.test'] });
    kicked.kick();
    await expect.poll(() => mx.received.length, { timeout: 5000 }).toBe(2);
  });

  it('never delivers a row twice with two workers on one database', async () => {
    const mx = await f.remote({ onData: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 5)) });
    const subjects = Array.from({ length: 24 }, (_, i) => `Message ${i}`);
    for (const [i, subject] of subjects.entries()) await f.enqueue(message(subject), { to: [`user${i}@${i % 2 ? 'remote' : 'other'}.test`] });

    const a = f.worker({ port: mx.port, settings: { concurrency: 3 } });
    const b = f.worker({ port: mx.port, settings: { concurrency: 3 } });
    await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);

    expect(await f.rows()).toEqual([]);
    expect(mx.received.map((m) => subjectOf(m.data)).sort()).toEqual([...subjects].sort());
  });

  it('gives claimed rows back on stop, without counting an attempt, for the next worker', async () => {
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let slow = true;
    const mx = await f.remote({ onData: async () => (slow ? (await held, '451 4.3.0 too late') : undefined) });
    const [id] = await f.enqueue(message('Interrupted'), { to: ['bob@remote.test'] });
    const worker = f.worker({ port: mx.port });
    worker.start();
    await expect.poll(() => mx.connections(), { timeout: 5000 }).toBe(1);
    // Wait until DATA is in progress: the row is claimed.
    await expect.poll(async () => (await f.rows())[0]!.locked_until > Date.now(), { timeout: 5000 }).toBe(true);

    await worker.stop({ graceMs: 100 });
    release?.();
    const [row] = await f.rows();
    expect(row).toMatchObject({ id, status: 'queued', attempts: 0, locked_until: 0 });

    slow = false;
    await f.worker({ port: mx.port }).runOnce();
    expect(await f.rows()).toEqual([]);
    expect(mx.received.map((m) => subjectOf(m.data))).toEqual(['Interrupted']);
  });
});
