// (w) of the IMAP fuzz: connections at once, each running sessions of generated steps against a real server, every reply checked; the server's memory, CPU and log watched.
import path from 'node:path';
import fc from 'fast-check';
import { REPO } from '../serve-process.mjs';
import { FUZZ_PASSWORD, FUZZ_USERS, seedMessages } from './fuzz-server.mjs';
import { step, stepText } from './inputs.mjs';
import { FuzzConnection, FuzzFailure, SPECIAL, expectedTokens, writeCut } from './wire-session.mjs';

const { commandParserFor } = await import(path.join(REPO, 'dist', 'server', 'imap', 'imap-connection.js')).catch(() => ({}));

/** Steps drawn per batch from one seed (a failure names the batch's seed and index). */
const BATCH = 200;
/** A mailbox with fewer messages than this gets a few appended at the start of a session, so FETCH and STORE keep something to act on. */
const REFILL_BELOW = 5;

/** Log lines at error level or above (pino: 50 error, 60 fatal): a fuzzed client must never cause one. */
function serverErrors(lines) {
  return lines.filter((line) => {
    try {
      return JSON.parse(line).level >= 50;
    } catch {
      return /error|uncaught|unhandled/i.test(line);
    }
  });
}

/** Replies since token `from`, waited for until `count` arrived or the connection closed after BYE. */
async function replies(connection, from, count, what) {
  await connection.until(() => connection.tokens.slice(from).filter((t) => t !== 'BYE').length >= count, what);
  return connection.tokens.slice(from).filter((t) => t !== 'BYE');
}

function expectReplies(connection, got, expected, what) {
  const same = got.length === expected.length && got.every((t, i) => t === expected[i]);
  if (same) return true;
  // Cut short only by the server's own BYE and close.
  if (connection.sawBye && expected.slice(0, got.length).every((t, i) => t === got[i])) return false;
  throw new FuzzFailure(`${what}: replies ${got.join(' ')}, expected ${expected.join(' ')}`, connection.transcript());
}

/**
 * An exchange outside command reading (IDLE, AUTHENTICATE, STARTTLS); returns false when the
 * session cannot go on (the server closed, or the TLS handshake was replaced by junk).
 */
async function scriptedExchange(connection, { kind, line, handshake }, { state, index, label, stats }) {
  const tag = `${kind[0].toUpperCase()}${index}`;
  const from = connection.tokens.length;
  const what = `${label} step ${index} ${kind}`;
  stats.scripted++;
  if (kind === 'starttls') {
    connection.write(`${tag} STARTTLS\r\nJ${index} NOOP\r\n`);
    if (state !== 'not-authenticated' || connection.secure) {
      return expectReplies(connection, await replies(connection, from, 2, what), [`T:${tag}`, `T:J${index}`], what);
    }
    if (!expectReplies(connection, await replies(connection, from, 1, what), [`T:${tag}`], what)) return false;
    if (connection.statusOf(tag) !== 'OK') throw new FuzzFailure(`${what}: STARTTLS refused`, connection.transcript());
    if (!handshake) {
      // Not TLS at all: the server must give up on the handshake and close, without answering the NOOP sent in clear text.
      // More than the largest record a TLS header can announce (2^16 bytes), so the junk is never a record still arriving.
      const junkLine = `${line}\r\n`;
      connection.stopReadingIMAP();
      connection.write(junkLine.repeat(Math.ceil(70_000 / junkLine.length)));
      await connection.until(() => connection.closed, `${what}: close after a failed handshake`);
      if (!connection.closed) throw new FuzzFailure(`${what}: open after a failed handshake`, connection.transcript());
      if (connection.tokens.slice(from).includes(`T:J${index}`)) throw new FuzzFailure(`${what}: answered a command pipelined after STARTTLS`, connection.transcript());
      return false;
    }
    await connection.startTLS();
    stats.handshakes++;
    connection.secure = true;
    // What was pipelined after STARTTLS in clear text is gone: a NOOP now is answered, the old one never.
    const after = connection.tokens.length;
    connection.write(`N${index} NOOP\r\n`);
    return expectReplies(connection, await replies(connection, after, 1, what), [`T:N${index}`], what);
  }
  const verb = kind === 'idle' ? 'IDLE' : 'AUTHENTICATE PLAIN';
  connection.write(`${tag} ${verb}\r\n`);
  const waits = kind === 'idle' ? state !== 'not-authenticated' : state === 'not-authenticated';
  if (!waits) return expectReplies(connection, await replies(connection, from, 1, what), [`T:${tag}`], what);
  if (!expectReplies(connection, await replies(connection, from, 1, what), ['C'], what)) return false;
  // AUTHENTICATE gets a cancel or a response that is not base64 (a guessable credential would be a failed sign-in that throttles this address).
  const answer = kind === 'idle' || line === '*' || line.startsWith('!') ? line : `!${line}`;
  connection.write(`${answer}\r\n`);
  return expectReplies(connection, await replies(connection, from, 2, what), ['C', `T:${tag}`], what);
}

/** Runs one session: sign-in (or not), SELECT (or not), then `steps`, each answered exactly as the framing oracle says. */
async function session({ port, user, state, steps, stats, maxMessageBytes, label, ran }) {
  const connection = await FuzzConnection.connect(port);
  try {
    await connection.until(() => connection.responses > 0, 'the greeting');
    if (connection.closed) throw new FuzzFailure('the server closed before its greeting', connection.transcript());
    if (state !== 'not-authenticated') {
      const login = await connection.command('L', `LOGIN "${user}" "${FUZZ_PASSWORD}"`);
      if (!/^L OK/m.test(login)) throw new FuzzFailure(`set-up LOGIN failed: ${login.slice(-200)}`, connection.transcript());
    }
    if (state === 'selected') {
      let selected = await connection.command('S', 'SELECT INBOX');
      const exists = Number(/^\* (\d+) EXISTS/m.exec(selected)?.[1] ?? 0);
      if (exists < REFILL_BELOW) {
        for (const raw of seedMessages(REFILL_BELOW)) await connection.command('A', `APPEND INBOX {${raw.length}+}\r\n${raw.toString('latin1')}`);
        selected = await connection.command('S2', 'SELECT INBOX');
      }
      if (!/^S2? OK/m.test(selected)) throw new FuzzFailure(`set-up SELECT failed: ${selected.slice(-200)}`, connection.transcript());
    }
    let tagBase = 0;
    for (const [index, generated] of steps.entries()) {
      if (connection.closed) break;
      if (generated[2] && !(await scriptedExchange(connection, generated[2], { state, index, label, stats }))) {
        if (connection.sawBye) await connection.closedAfterBye();
        return;
      }
      const sync = `Z${index}`;
      const text = `${stepText(generated, tagBase)}\r\n${sync} NOOP\r\n`;
      tagBase += 10;
      const oracle = commandParserFor({ authenticated: state !== 'not-authenticated', maxMessageBytes });
      const events = oracle.push(Buffer.from(text, 'latin1'));
      if (events.some((e) => e.kind === 'command' && SPECIAL.has(e.command.name.toUpperCase()))) {
        stats.skipped++;
        continue;
      }
      const expected = expectedTokens(events);
      const logout = events.some((e) => e.kind === 'command' && e.command.name.toUpperCase() === 'LOGOUT' && e.command.args.length === 0);
      const from = connection.tokens.length;
      await writeCut(connection, text, generated[1] ? [text.length >> 1] : []);
      stats.steps++;
      ran.count++;
      stats.bytesSent += text.length;
      stats.commands += events.filter((e) => e.kind === 'command').length;
      const replies = () => connection.tokens.slice(from).filter((t) => t !== 'BYE' || expected.includes('BYE'));
      await connection.until(() => replies().length >= expected.length, `${label} step ${index}: ${expected.length} replies (${expected.join(' ')})`);
      const got = replies();
      stats.replies += got.length;
      for (let i = 0; i < got.length; i++) {
        if (got[i] !== expected[i]) throw new FuzzFailure(`${label} step ${index}: reply ${i + 1} is ${got[i]}, expected ${expected[i]} (expected ${expected.join(' ')}; got ${got.join(' ')})`, connection.transcript());
      }
      if (got.length < expected.length || connection.sawBye) {
        // Fewer replies than commands only after the server said BYE (too many bad commands, LOGOUT, a literal it cannot skip) and then closed.
        if (!connection.sawBye) throw new FuzzFailure(`${label} step ${index}: the connection closed without BYE after ${got.length} of ${expected.length} replies`, connection.transcript());
        await connection.closedAfterBye();
        stats.byes++;
        return;
      }
      // A command still open (inside or after a literal) swallows whatever comes next: the session ends here, the server waiting as it must.
      if (oracle.midCommand) return;
      if (logout) break;
    }
    if (!connection.closed) {
      await connection.command('Q', 'LOGOUT');
      await connection.closedAfterBye();
    }
  } finally {
    connection.destroy();
  }
}

export async function runWire({ server, steps, connections, seed }) {
  const stats = { steps: 0, commands: 0, replies: 0, sessions: 0, byes: 0, skipped: 0, scripted: 0, handshakes: 0, bytesSent: 0 };
  const heapStart = await server.serve.collectGarbage();
  const cpuStart = server.serve.cpuMs();
  let rssPeakKiB = 0;
  let batch = 0;
  let queue = [];
  const nextSteps = (count) => {
    const taken = [];
    while (taken.length < count) {
      if (queue.length === 0) {
        const batchSeed = seed + 1 + batch++;
        queue = fc.sample(step, { numRuns: BATCH, seed: batchSeed }).map((s, i) => ({ s, where: `batch seed ${batchSeed} #${i}` }));
      }
      taken.push(queue.shift());
    }
    return taken;
  };
  const started = Date.now();
  let issued = 0;
  let sessionNumber = 0;
  const states = ['selected', 'selected', 'selected', 'authenticated', 'not-authenticated'];
  const worker = async (w) => {
    while (issued < steps) {
      const count = Math.min(1 + ((sessionNumber * 7) % 40), steps - issued);
      issued += count;
      const n = sessionNumber++;
      const drawn = nextSteps(count);
      const label = `session ${n} (${drawn[0].where})`;
      const ran = { count: 0 };
      await session({ port: server.port, user: FUZZ_USERS[(w + n) % FUZZ_USERS.length], state: states[n % states.length], steps: drawn.map((d) => d.s), stats, maxMessageBytes: server.maxMessageBytes, label, ran });
      // Steps a session did not reach (it ended early, as the server may) go back to the count.
      issued -= count - ran.count;
      stats.sessions++;
      if (n % 50 === 0) rssPeakKiB = Math.max(rssPeakKiB, server.serve.memory().rss);
      if (n % 500 === 0 && process.stdout.isTTY) process.stdout.write(`\r(w) ${stats.steps} of ${steps} steps`);
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  const seconds = (Date.now() - started) / 1000;
  if (process.stdout.isTTY) process.stdout.write('\n');
  const heapEnd = await server.serve.collectGarbage();
  const errors = serverErrors(server.serve.problems());
  if (errors.length > 0) throw new Error(`the server logged ${errors.length} errors; the first: ${errors[0].slice(0, 500)}`);
  // Live memory after a full GC must come back near where it started: growth here is a leak per session or per command.
  const heapGrowthMiB = (heapEnd.heapUsed + heapEnd.external - heapStart.heapUsed - heapStart.external) / 1024 / 1024;
  if (heapGrowthMiB > 64) throw new Error(`live heap grew by ${heapGrowthMiB.toFixed(0)} MiB over the run`);
  return {
    ...stats,
    connections,
    seconds,
    stepsPerSecond: stats.steps / seconds,
    serverCpuSeconds: (server.serve.cpuMs() - cpuStart) / 1000,
    heapStartMiB: (heapStart.heapUsed + heapStart.external) / 1024 / 1024,
    heapEndMiB: (heapEnd.heapUsed + heapEnd.external) / 1024 / 1024,
    heapGrowthMiB,
    rssPeakMiB: rssPeakKiB / 1024,
  };
}
