// Linked event buses, as the processes of one server use them: an event reaches the other processes' subscribers, but not a subscriber that wants only its own process's events.
import { describe, expect, it } from 'vitest';
import type { EventLink, MailwardEvent } from '../events.js';
import { MemoryEventBus } from './memory-event-bus.js';

/** Two ends of one relay, as the supervisor joins two workers. */
function linkedPair(): [EventLink, EventLink] {
  const receivers: Array<((event: MailwardEvent) => void) | undefined> = [undefined, undefined];
  const end = (self: 0 | 1): EventLink => ({
    // Through JSON, as over the IPC channel.
    send: (event) => setImmediate(() => receivers[1 - self]?.(JSON.parse(JSON.stringify(event)) as MailwardEvent)),
    onReceive: (handler) => {
      receivers[self] = handler;
    },
  });
  return [end(0), end(1)];
}

const DELIVERED: MailwardEvent = { type: 'MessageDelivered', at: 1, accountId: 7, mailboxId: 3, uid: 11, size: 100 };
const REVOKED: MailwardEvent = { type: 'SessionsRevoked', at: 2, accountId: 7, scope: 'all' };

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

describe('MemoryEventBus with a link', () => {
  it('delivers an event to this process and to the linked one, each exactly once', async () => {
    const [a, b] = linkedPair();
    const here = new MemoryEventBus({ link: a });
    const there = new MemoryEventBus({ link: b });
    const seenHere: MailwardEvent[] = [];
    const seenThere: MailwardEvent[] = [];
    here.subscribe((e) => seenHere.push(e));
    there.subscribe((e) => seenThere.push(e));
    await here.publish(DELIVERED);
    await settle();
    expect(seenHere).toEqual([DELIVERED]);
    expect(seenThere).toEqual([DELIVERED]);
  });

  it("keeps a local-only subscriber to its own process's events, and honours types across the link", async () => {
    const [a, b] = linkedPair();
    const here = new MemoryEventBus({ link: a });
    const there = new MemoryEventBus({ link: b });
    const localThere: MailwardEvent[] = [];
    const revokedThere: MailwardEvent[] = [];
    there.subscribe((e) => localThere.push(e), { origin: 'local' });
    there.subscribe((e) => revokedThere.push(e), { types: ['SessionsRevoked'] });
    await here.publish(DELIVERED);
    await here.publish(REVOKED);
    await settle();
    expect(localThere).toEqual([]);
    expect(revokedThere).toEqual([REVOKED]);
    await there.publish(DELIVERED);
    await settle();
    expect(localThere).toEqual([DELIVERED]);
  });

  it('without a link is one process: a local-only subscriber hears everything published', async () => {
    const bus = new MemoryEventBus();
    const seen: MailwardEvent[] = [];
    bus.subscribe((e) => seen.push(e), { origin: 'local' });
    await bus.publish(DELIVERED);
    await settle();
    expect(seen).toEqual([DELIVERED]);
  });
});
