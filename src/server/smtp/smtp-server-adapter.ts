// What Mailward needs of smtp-server beyond its options, in one place: sockets we accepted handed to it, its open connections, which of them are busy, its replies (to follow them, and to keep our own enhanced status codes), and a shutdown that spares busy connections.
import type net from 'node:net';
import type { SMTPServer, SMTPServerSession } from 'smtp-server';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

/** A reply text that starts with an RFC 3463 enhanced status code. */
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

/** Handlers of ours that have not called back yet, per session. */
const pending = new WeakMap<SMTPServerSession, number>();

/**
 * Gives smtp-server a socket that our own listener accepted (after the connection caps), as if
 * its own net.Server (the public `server.server`) had accepted it: the 'connection' event is how a
 * net.Server hands every socket to its handler. smtp-server's server is then never listening.
 */
export function handOver(server: SMTPServer, socket: net.Socket): void {
  server.server.emit('connection', socket);
}

/**
 * The connection of a session, through `server.connections` (declared in smtp-server's types),
 * to end it when the session is revoked.
 */
export function connectionOf(server: SMTPServer, session: SMTPServerSession): SMTPConnection | undefined {
  for (const connection of server.connections) if (connection.session === session) return connection;
  return undefined;
}

/**
 * Counts the session as busy from the call of `handler` until it calls back: a command waiting for
 * our answer, or (onData) a message from its DATA command until our verdict on it. smtp-server keeps
 * the same facts in private fields (_handlerPending, _dataStream); tracking them here needs none.
 */
export function whileRunning<T, C extends (...args: never[]) => void>(
  handler: (subject: T, session: SMTPServerSession, callback: C) => void,
): (subject: T, session: SMTPServerSession, callback: C) => void {
  return (subject, session, callback) => {
    pending.set(session, (pending.get(session) ?? 0) + 1);
    let settled = false;
    const done = ((...args: Parameters<C>) => {
      if (!settled) {
        settled = true;
        pending.set(session, (pending.get(session) ?? 1) - 1);
      }
      callback(...args);
    }) as C;
    handler(subject, session, done);
  };
}

/** A handler of ours has not called back yet: a command waits for our answer, or a message for our verdict. */
export function isBusy(session: SMTPServerSession): boolean {
  return (pending.get(session) ?? 0) > 0;
}

/**
 * Sends `reply` (a 421) to every connection that is not busy and closes it (RFC 5321 §3.8); a
 * connection in the middle of a message, or waiting for our answer, may finish first.
 */
export function endIdleConnections(server: SMTPServer, reply: string): void {
  for (const connection of [...server.connections]) {
    if (isBusy(connection.session)) continue;
    connection.send(421, reply);
    connection.close();
  }
}

/**
 * smtp-server derives the enhanced status code of a handler's error from the reply code alone
 * (550 → 5.1.1), which would turn "relaying denied" into "no such user", and it has no option to
 * take the code from the error. So the session's connection sends a reply whose text already starts
 * with an enhanced code with that code only. Call from onConnect, before any of our replies; this
 * wraps one connection's public send(), never smtp-server's prototype, and the adapter's test fails
 * if an upgrade stops sending handler errors through it.
 */
export function keepOwnEnhancedCodes(server: SMTPServer, session: SMTPServerSession): void {
  const connection = connectionOf(server, session);
  if (!connection) return;
  const send = connection.send.bind(connection);
  connection.send = (code, data, context) => send(code, data, typeof data === 'string' && ENHANCED.test(data) ? false : context);
}

/**
 * Calls `listener` with the code of every reply the session's connection sends, after it is
 * written (the public send(), wrapped on this one connection). The timeouts run from our replies;
 * the adapter's test fails if an upgrade stops sending replies through send().
 */
export function onReplies(server: SMTPServer, session: SMTPServerSession, listener: (code: number) => void): boolean {
  const connection = connectionOf(server, session);
  if (!connection) return false;
  const send = connection.send.bind(connection);
  connection.send = (code, data, context) => {
    send(code, data, context);
    listener(code);
  };
  return true;
}

/**
 * Whether an error of a message stream means only that the connection closed before the message
 * was complete (the client left, or a time limit of ours ended it): smtp-server destroys the
 * stream with code ECONNECTION then. The adapter's test fails if an upgrade changes that.
 */
export function isConnectionGone(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ECONNECTION';
}

/**
 * Shuts a server down whose sockets came through handOver (so its own net.Server never listened
 * and cannot say when the last connection is gone; the caller's listener does). smtp-server's
 * close() answers new commands with 421 and drops sockets still in a TLS handshake; idle
 * connections get 421 now and every 200 ms (a pooled sender between messages must not hold a
 * restart), busy ones may finish their message until `graceMs`, then every connection gets 421.
 * Returns the function that stops the sweeps.
 */
export function shutDown(server: SMTPServer, options: { graceMs: number }): () => void {
  server.close();
  const reply = '4.3.2 Server shutting down';
  const sweep = (): void => endIdleConnections(server, reply);
  sweep();
  const timer = setInterval(sweep, 200);
  timer.unref();
  const last = setTimeout(() => {
    for (const connection of [...server.connections]) {
      connection.send(421, reply);
      connection.close();
    }
  }, options.graceMs);
  last.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(last);
  };
}
