// GET /api/v1/mail/events: Server-Sent Events telling the webmail a folder's counts changed (the EventBus rings; the counts are read again from the store).
import { accountDomain } from '../../../lib/index.js';
import type { Security, WebSession } from '../../../security/index.js';
import type { MailwardEvent } from '../../../shared-state/index.js';
import { MAIL_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';
import type { MailAPIDeps } from './mail-deps.js';

/** A comment line this often keeps proxies (which cut idle responses at 30–60 s) from closing the stream. */
export const HEARTBEAT_MS = 25_000;
/** Changes of one folder within this window become one event (a 500-message move is one update). */
const COALESCE_MS = 50;

/** Events after which the session may have ended (force logout, password change, disabled account). */
const REVOCATIONS = new Set<MailwardEvent['type']>(['SessionsRevoked', 'DeviceLoggedOut', 'AccountDisabled', 'PasswordChanged']);

/**
 * When the stream must end at the latest: the session's idle and lifetime limits. The stream is
 * not activity (an open tab must not keep a session alive forever); the browser reconnects, and
 * that request checks the session like any other.
 */
async function deadlineOf(security: Security, session: WebSession, now: number): Promise<number> {
  const scope = { domain: accountDomain(session.account) };
  const idle = (await security.policies.get('session.idle_minutes', scope)) * 60_000;
  const max = (await security.policies.get('session.max_hours', scope)) * 3600_000;
  return Math.min(Math.max(session.row.last_active_at, now) + idle, session.row.created_at + max);
}

export function mailEventRoutes(routes: APIRoutes, security: Security, deps: MailAPIDeps): void {
  routes.add(MAIL_API.events, {
    auth: 'session',
    renewsSession: false,
    handler: async ({ session, reply, request }) => {
      const accountId = session.account.id;
      const deadline = await deadlineOf(security, session, deps.now());
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      raw.write('retry: 3000\n\n');
      const pending = new Map<number, NodeJS.Timeout>();
      let closed = false;

      const send = async (mailboxId: number): Promise<void> => {
        pending.delete(mailboxId);
        const mailbox = await deps.mailboxes.byId(mailboxId);
        // Gone (deleted) or not this account's: the folder list tells the rest.
        if (closed || !mailbox || mailbox.account_id !== accountId) {
          if (!closed) raw.write(`event: folders\ndata: {}\n\n`);
          return;
        }
        const counts = await deps.mailboxes.counts(mailboxId);
        if (!closed) raw.write(`event: mailbox\ndata: ${JSON.stringify({ name: mailbox.name, total: counts.messages, unread: counts.unseen })}\n\n`);
      };

      /**
       * `reason` tells the page why: 'session' (revoked or past its limits) or 'recheck' (the idle
       * window ran out). Neither the stream nor its reconnects renew the session (renewsSession:
       * false), so an unattended tab times out; after 'recheck' a reconnect answers
       * SESSION_TIMED_OUT once the idle window has passed.
       */
      const end = (reason?: 'session' | 'recheck'): void => {
        if (closed) return;
        if (reason) raw.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(expiry);
        for (const timer of pending.values()) clearTimeout(timer);
        raw.end();
      };

      const unsubscribe = deps.events.subscribe(
        (event) => {
          if (closed || !('accountId' in event) || event.accountId !== accountId) return;
          if (event.type === 'MailboxChanged') {
            if (pending.has(event.mailboxId)) return;
            pending.set(
              event.mailboxId,
              setTimeout(() => void send(event.mailboxId).catch((error: unknown) => request.log.error({ err: error }, 'mail events: count failed')), COALESCE_MS),
            );
            return;
          }
          // A revocation for this account: is this session still good? If not, the stream ends now.
          security.webSessions.resume(session.token, { renew: false }).catch(() => end('session'));
        },
        { types: ['MailboxChanged', ...REVOCATIONS] },
      );
      const heartbeat = setInterval(() => {
        if (!closed) raw.write(': heartbeat\n\n');
      }, HEARTBEAT_MS);
      const expiry = setTimeout(() => end('recheck'), Math.max(1000, deadline - deps.now()));
      raw.on('close', () => end());
      return undefined;
    },
  });
}
