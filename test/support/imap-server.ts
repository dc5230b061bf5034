// An in-process Mailward (store, security, IMAP and SMTP listeners on port 0) with known users, and a raw IMAP wire client for transcript tests.
import net from 'node:net';
import tls from 'node:tls';
import type { App } from '../../src/app/open-app.js';
import { openApp } from '../../src/app/open-app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/app/logger.js';
import type { RunningServer } from '../../src/app/start-server.js';
import { startServer } from '../../src/app/start-server.js';
import { ephemeralPortsEnv, tempDataDir } from './cli.js';
import { passwordOf } from './mail-server.js';

export { passwordOf };

export interface IMAPTestServer {
  app: App;
  server: RunningServer;
  imapPort: number;
  imapsPort: number;
  smtpPort: number;
  /** Account ids by address. */
  accounts: Map<string, number>;
  close(): Promise<void>;
}

export interface IMAPTestServerOptions {
  users?: string[];
  env?: Record<string, string>;
  /** PostgreSQL URL to run on instead of the embedded SQLite. */
  databaseURL?: string;
  /** The clock the whole server reads (Date.now unless told). */
  now?: () => number;
  /** Opens this data directory again (its users exist already) instead of a new one. */
  dataDir?: string;
}

export async function startIMAPTestServer(options: IMAPTestServerOptions = {}): Promise<IMAPTestServer> {
  const data = options.dataDir ?? tempDataDir('mailward-imap-');
  const env = {
    ...ephemeralPortsEnv(),
    MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'true',
    MAILWARD_HOSTNAME: 'mail.example.test',
    ...(options.databaseURL ? { MAILWARD_DATABASE_URL: options.databaseURL } : {}),
    ...options.env,
  };
  const app = await openApp({ dataDir: data, config: loadConfig({ env }), logger: createLogger({ level: 'silent' }), env: {}, ...(options.now ? { now: options.now } : {}) });
  const accounts = new Map<string, number>();
  const users = options.users ?? ['alice@example.test', 'bob@example.test'];
  if (options.dataDir) {
    for (const address of users) accounts.set(address, (await app.accounts.getUser(address)).id);
  } else {
    for (const domain of new Set(users.map((u) => u.split('@')[1]!))) await app.accounts.addDomain(domain);
    for (const address of users) accounts.set(address, (await app.accounts.addUser({ address, password: passwordOf(address) })).id);
  }
  const server = await startServer(app);
  return {
    app,
    server,
    imapPort: server.listeners.imap!.port,
    imapsPort: server.listeners.imaps!.port,
    smtpPort: server.listeners.smtp!.port,
    accounts,
    close: async () => {
      await server.close();
      await app.close();
    },
  };
}

/** The untagged lines of a response, without the tagged one. */
export function untaggedLines(response: string): string[] {
  return response.split('\r\n').filter((line) => line.startsWith('* '));
}

/** The tagged line that ends a response (IMAPWire tags its commands t1, t2, …). */
export function tagged(response: string): string {
  return response.split('\r\n').find((line) => /^t\d+ /.test(line)) ?? '';
}

/**
 * A raw IMAP client: sends exactly the bytes given and collects response lines (literals kept
 * inline), so transcripts check the server's wire format, not a library's reading of it.
 */
export class IMAPWire {
  #buffer = Buffer.alloc(0);
  #waiters: Array<() => void> = [];
  #closed = false;
  #tagCounter = 0;

  private constructor(public socket: net.Socket | tls.TLSSocket) {
    this.#listen(socket);
  }

  #listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  static async connect(port: number, options: { tls?: boolean } = {}): Promise<IMAPWire> {
    const socket = options.tls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new IMAPWire(socket);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Upgrades to TLS after a STARTTLS OK. */
  async startTLS(): Promise<void> {
    this.socket.removeAllListeners('data');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.#listen(secure);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until the received text matches; returns everything received so far and clears it. */
  async until(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.#buffer.toString('utf8');
      if (pattern.test(text)) {
        this.#buffer = Buffer.alloc(0);
        return text;
      }
      if (this.#closed) throw new Error(`connection closed before ${pattern}; got:\n${text}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; got:\n${text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The number of the tag `command` used last (`t<n>`), for responses that name it (ESEARCH). */
  get lastTag(): number {
    return this.#tagCounter;
  }

  /** Sends `<tag> <command>` and returns the whole response up to the tagged line. */
  async command(text: string, timeoutMs = 5000): Promise<string> {
    const tag = `t${++this.#tagCounter}`;
    this.write(`${tag} ${text}\r\n`);
    return this.until(new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`), timeoutMs);
  }

  async greeting(): Promise<string> {
    return this.until(/^\* (OK|BYE|PREAUTH)[^\r\n]*\r\n/);
  }

  async login(address: string, password: string): Promise<string> {
    await this.greeting();
    return this.command(`LOGIN "${address}" "${password}"`);
  }

  close(): void {
    this.socket.destroy();
  }
}
