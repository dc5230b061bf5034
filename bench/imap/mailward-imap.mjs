// The server under test for the IMAP bench: a data directory filled through Mailward's own delivery path, then `mailward serve` with IMAP on a fixed port.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { BIN, REPO, otherListenersOff, startServeProcess } from '../serve-process.mjs';

function cli(dataDir, args, input) {
  return execFileSync(process.execPath, [BIN, '--data', dataDir, ...args], { encoding: 'utf8', input, env: { ...process.env, MAILWARD_LOG_LEVEL: 'warn' } });
}

/**
 * Creates the domain and `users` with the CLI (argon2id, as `user add` does), then stores
 * `messagesFor(user)` in each INBOX in batches of 200 (one transaction and fsync a batch, as SMTP
 * delivery groups them), INTERNALDATE one second apart like real arrivals.
 */
export async function prepareMailward({ dataDir, users, password, messagesFor }) {
  cli(dataDir, ['domain', 'add', users[0].split('@')[1]]);
  for (const address of users) cli(dataDir, ['user', 'add', address, '--password-stdin'], `${password}\n`);
  const { openApp } = await import(path.join(REPO, 'dist', 'app', 'index.js'));
  const { loadConfig } = await import(path.join(REPO, 'dist', 'config', 'index.js'));
  const { createLogger } = await import(path.join(REPO, 'dist', 'app', 'index.js'));
  const app = await openApp({ dataDir, config: loadConfig({ env: {} }), logger: createLogger({ level: 'warn' }), env: {} });
  try {
    for (const address of users) {
      const account = await app.accounts.getUser(address);
      const messages = messagesFor(address);
      const base = Date.now() - messages.length * 1000;
      for (let i = 0; i < messages.length; i += 200) {
        await app.mail.deliverBatch({ items: messages.slice(i, i + 200).map((raw) => ({ raw, targets: [{ accountId: account.id }] })), internalDate: base + i * 1000 });
      }
    }
  } finally {
    await app.close();
  }
}

export async function startMailward({ dataDir, imapPort, maxConnections = 3000, workers = 1 }) {
  const env = {
    ...process.env,
    MAILWARD_LOG_LEVEL: 'warn',
    MAILWARD_SMTP_VERIFY_SENDERS: 'false',
    MAILWARD_LISTENERS_IMAP_HOST: '127.0.0.1',
    MAILWARD_LISTENERS_IMAP_PORT: String(imapPort),
    MAILWARD_IMAP_ALLOW_PLAINTEXT_AUTH: 'true',
    MAILWARD_SERVER_WORKERS: String(workers),
    MAILWARD_IMAP_MAX_CONNECTIONS_PER_ACCOUNT: String(maxConnections + 100),
    MAILWARD_IMAP_MAX_CONNECTIONS_PER_IP: String(maxConnections * 2 + 100),
    ...otherListenersOff(['imap']),
  };
  return startServeProcess({ dataDir, env, port: imapPort, collectable: true });
}

