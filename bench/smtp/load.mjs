// The one SMTP client both servers get: raw sockets, persistent sessions (EHLO once, then MAIL/RCPT/DATA and RSET per message), and idle sessions for the memory test.
import net from 'node:net';

export const SENDER = 'loadgen@sender.test';

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** CPU time (ms) this process (the client) has used. */
export function clientCpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

// A small deterministic PRNG, so every run (and both servers) get the same text.
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to in is for on that with as was by it from at be this are or an not which have has but were their one all ' +
  'delivery message mailbox server queue report invoice meeting schedule project budget review team customer order shipment ' +
  'account password network update release version change request response summary agenda minutes draft attached please ' +
  'thanks regards tomorrow monday friday quarter figures results contract proposal offer price discount available'
).split(' ');

/**
 * One message body of `totalBytes` (headers included, once the per-message Message-ID line is
 * added): plain text in lines of at most 76 characters, CRLF line ends, dot-stuffed, ending with
 * the DATA terminator. Returns the shared part; `messageHeader(...)` is written before it.
 */
export function buildMessage({ totalBytes, to }) {
  const random = prng(totalBytes);
  const headers =
    `From: Load Generator <${SENDER}>\r\n` +
    `To: <${to}>\r\n` +
    `Subject: Bench message of ${Math.round(totalBytes / 1024)} KB about the quarterly delivery report\r\n` +
    'Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n' +
    'MIME-Version: 1.0\r\n' +
    'Content-Type: text/plain; charset=us-ascii\r\n' +
    'Content-Transfer-Encoding: 7bit\r\n' +
    '\r\n';
  // The per-message header (Message-ID) is about this long; see messageHeader().
  const perMessage = messageHeader(0, 0, 0).length;
  const lines = [];
  let size = perMessage + headers.length;
  while (size < totalBytes) {
    let line = '';
    while (line.length < 60) line += (line ? ' ' : '') + WORDS[Math.floor(random() * WORDS.length)];
    const room = totalBytes - size - 2;
    if (room <= 0) break;
    if (line.length > room) line = line.slice(0, room);
    if (line.startsWith('.')) line = `.${line}`; // dot-stuffing (never happens with these words)
    lines.push(line);
    size += line.length + 2;
  }
  const text = headers + lines.join('\r\n') + '\r\n';
  return { body: Buffer.from(`${text}.\r\n`), size: perMessage + text.length };
}

/** The first header line of each message: makes every message unique (Mailward stores blobs by content). */
export function messageHeader(run, connection, index) {
  const id = `${String(run).padStart(4, '0')}.${String(connection).padStart(3, '0')}.${String(index).padStart(6, '0')}`;
  return Buffer.from(`Message-ID: <bench.${id}@sender.test>\r\n`);
}

/** One SMTP session on a socket: sends a command, resolves with the complete (multi-line) reply. */
class Session {
  constructor(socket) {
    this.socket = socket;
    this.buffer = '';
    this.lines = [];
    this.waiting = [];
    this.closed = false;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => this.#onData(chunk));
    const fail = (error) => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(error ?? new Error('connection closed'));
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static connect({ host, port }) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const session = new Session(socket);
      socket.once('error', reject);
      // The greeting is the first reply.
      session.reply().then(
        (greeting) => {
          socket.off('error', reject);
          if (greeting.code !== 220) reject(new Error(`greeting: ${greeting.text}`));
          else resolve(session);
        },
        reject,
      );
    });
  }

  #onData(chunk) {
    this.buffer += chunk;
    let at;
    while ((at = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      this.lines.push(line);
      // "250-..." continues, "250 ..." (or a bare code) ends the reply.
      if (line.length <= 3 || line[3] === ' ') {
        const text = this.lines.join('\n');
        this.lines = [];
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve({ code: Number(line.slice(0, 3)), text });
      }
    }
  }

  reply() {
    return new Promise((resolve, reject) => {
      if (this.closed) reject(new Error('connection closed'));
      else this.waiting.push({ resolve, reject });
    });
  }

  command(line) {
    const reply = this.reply();
    this.socket.write(`${line}\r\n`);
    return reply;
  }

  /** Writes raw buffers (the message after 354) and waits for the reply to the final dot. */
  data(...buffers) {
    const reply = this.reply();
    this.socket.cork();
    for (const buffer of buffers) this.socket.write(buffer);
    this.socket.uncork();
    return reply;
  }

  async quit() {
    if (this.closed) return;
    try {
      await Promise.race([this.command('QUIT'), new Promise((resolve) => setTimeout(resolve, 2000))]);
    } catch {
      // already gone
    }
    this.socket.destroy();
  }

  destroy() {
    this.socket.destroy();
  }
}

async function expect(promise, code, what) {
  const reply = await promise;
  if (reply.code !== code) {
    const error = new Error(`${what}: expected ${code}, got ${reply.text.split('\n').pop()}`);
    error.reply = reply;
    throw error;
  }
  return reply;
}

/** Opens `count` sessions and says EHLO on each; returns them with the EHLO reply of the first. */
export async function openSessions({ host, port, count, helo = 'loadgen.sender.test' }) {
  const sessions = await Promise.all(Array.from({ length: count }, () => Session.connect({ host, port })));
  const replies = await Promise.all(sessions.map((s) => expect(s.command(`EHLO ${helo}`), 250, 'EHLO')));
  return { sessions, ehlo: replies[0].text };
}

/**
 * `connections` persistent sessions, each sending `perConnection` messages: MAIL FROM, RCPT TO (the
 * recipients in turn),
 * DATA, the message, and RSET before the next one. Sessions are opened (and EHLO said) before the
 * clock starts; the clock stops at the last reply. `accepted` counts the 250 replies to DATA.
 */
export async function runLoad({ host, port, connections, perConnection, message, recipient, recipients = [recipient], run }) {
  const { sessions } = await openSessions({ host, port, count: connections });
  let accepted = 0;
  const failures = [];
  const cpu0 = clientCpuMs();
  const start = nowMs();
  const startWall = Date.now();
  let lastAck = start;
  await Promise.all(
    sessions.map(async (session, c) => {
      for (let i = 0; i < perConnection; i++) {
        try {
          if (i > 0) await expect(session.command('RSET'), 250, 'RSET');
          await expect(session.command(`MAIL FROM:<${SENDER}>`), 250, 'MAIL FROM');
          // Each message to the next account in turn, as an MX receives mail for many users.
          await expect(session.command(`RCPT TO:<${recipients[(c + i) % recipients.length]}>`), 250, 'RCPT TO');
          await expect(session.command('DATA'), 354, 'DATA');
          await expect(session.data(messageHeader(run, c, i), message.body), 250, 'end of data');
          accepted++;
          lastAck = nowMs();
        } catch (error) {
          failures.push(error.message);
          if (session.closed) return;
        }
      }
    }),
  );
  const wallMs = lastAck - start;
  const clientCpu = clientCpuMs() - cpu0;
  await Promise.all(sessions.map((s) => s.quit()));
  return {
    accepted,
    attempted: connections * perConnection,
    failures,
    wallMs,
    perSecond: (accepted * 1000) / wallMs,
    startWall,
    clientCpuMs: clientCpu,
  };
}

/** Opens `count` idle sessions (EHLO said) in batches; call close() on the result. */
export async function openIdleSessions({ host, port, count, batch = 50 }) {
  const all = [];
  try {
    for (let opened = 0; opened < count; opened += batch) {
      const { sessions } = await openSessions({ host, port, count: Math.min(batch, count - opened) });
      all.push(...sessions);
    }
  } catch (error) {
    for (const s of all) s.destroy();
    throw error;
  }
  return {
    sessions: all,
    close: async () => {
      await Promise.all(all.map((s) => s.quit()));
    },
  };
}
