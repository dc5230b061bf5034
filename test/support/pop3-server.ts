// A real `mailward serve` with the POP3 doors open and INBOXes filled before it starts, for the POP3 interop and transcript tests.
import { withDataDir } from './cli.js';
import type { MailServer, MailServerOptions } from './mail-server.js';
import { startMailServer } from './mail-server.js';

export interface POP3Server {
  /** The server itself (SMTP ports, stored messages, login records, CLI beside it). */
  readonly mail: MailServer;
  /** The bound POP3 ports (they change after seed()). */
  readonly ports: { pop3: number; pop3s: number };
  /** Stops the server, stores these messages in the account's INBOX in order, starts it again. */
  seed(address: string, messages: Array<string | Buffer>): Promise<void>;
  /** seed() for several accounts with one restart: address → messages. */
  seedMany(batches: Record<string, Array<string | Buffer>>): Promise<void>;
  /** The IMAP port (when the options enabled MAILWARD_LISTENERS_IMAP_ENABLED). */
  readonly imapPort: number;
  stop(): Promise<void>;
}

/** A test message with a unique Message-ID; `body` defaults to a few lines, one of them starting with a dot. */
export function testMessage(options: { id: string; subject?: string; body?: string; from?: string; to?: string }): string {
  return (
    `From: ${options.from ?? 'sender@remote.example'}\r\nTo: ${options.to ?? 'alice@example.test'}\r\n` +
    `Subject: ${options.subject ?? `message ${options.id}`}\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n` +
    `Message-ID: <${options.id}@test.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
    (options.body ?? `Hello ${options.id}\r\n.a line starting with a dot\r\n..two dots\r\nlast line\r\n`)
  );
}

export async function startPOP3Server(options: MailServerOptions = {}): Promise<POP3Server> {
  const server = await startMailServer({
    ...options,
    env: {
      MAILWARD_LISTENERS_POP3_ENABLED: 'true',
      MAILWARD_LISTENERS_POP3S_ENABLED: 'true',
      ...options.env,
    },
  });
  const ports = (): POP3Server['ports'] => {
    const pop3 = server.serve.listeners.pop3?.port;
    const pop3s = server.serve.listeners.pop3s?.port;
    if (pop3 === undefined || pop3s === undefined) throw new Error('serve did not log "listening" lines for pop3 and pop3s');
    return { pop3, pop3s };
  };
  let bound = ports();
  const seedMany = async (batches: Record<string, Array<string | Buffer>>): Promise<void> => {
    await server.stop();
    await withDataDir(server.data, async (app) => {
      for (const [address, messages] of Object.entries(batches)) {
        const account = await app.store.accounts.findByAddress(address);
        if (!account) throw new Error(`no account ${address}`);
        const items = messages.map((m) => ({ raw: Buffer.isBuffer(m) ? m : Buffer.from(m, 'utf8'), targets: [{ accountId: account.id }] }));
        for (let i = 0; i < items.length; i += 100) await app.mail.deliverBatch({ items: items.slice(i, i + 100) });
      }
    });
    await server.restart();
    bound = ports();
  };
  return {
    mail: server,
    get ports() {
      return bound;
    },
    get imapPort() {
      const imap = server.serve.listeners.imap?.port;
      if (imap === undefined) throw new Error('serve did not log a "listening" line for imap (enable it with MAILWARD_LISTENERS_IMAP_ENABLED)');
      return imap;
    },
    seed: (address, messages) => seedMany({ [address]: messages }),
    seedMany,
    stop: () => server.stop(),
  };
}
