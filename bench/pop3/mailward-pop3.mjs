// The server under test for the POP3 bench: users and INBOXes filled through Mailward's own delivery path, then `mailward serve` with POP3 on a fixed loopback port.
import path from 'node:path';
import { REPO, otherListenersOff, startServeProcess } from '../serve-process.mjs';

/** Creates the domain and every user (argon2id, as `user add` would), and stores `messages` in each INBOX. */
export async function prepareMailward({ dataDir, users, password, messages }) {
  const { openApp } = await import(path.join(REPO, 'dist', 'app', 'index.js'));
  const { loadConfig } = await import(path.join(REPO, 'dist', 'config', 'index.js'));
  const { createLogger } = await import(path.join(REPO, 'dist', 'app', 'index.js'));
  const app = await openApp({ dataDir, config: loadConfig({ env: {} }), logger: createLogger({ level: 'warn' }), env: {} });
  try {
    for (const domain of new Set(users.map((u) => u.split('@')[1]))) await app.accounts.addDomain(domain);
    for (const address of users) {
      const account = await app.accounts.addUser({ address, password });
      for (let i = 0; i < messages.length; i += 100) {
        await app.mail.deliverBatch({ items: messages.slice(i, i + 100).map((raw) => ({ raw, targets: [{ accountId: account.id }] })) });
      }
    }
  } finally {
    await app.close();
  }
}

/** `mailward serve` with POP3 (plain text allowed: the bench compares without TLS) on 127.0.0.1:`pop3Port`. */
export async function startMailward({ dataDir, pop3Port, workers = 1 }) {
  const env = {
    ...process.env,
    MAILWARD_LOG_LEVEL: 'warn',
    MAILWARD_SMTP_VERIFY_SENDERS: 'false',
    MAILWARD_LISTENERS_POP3_ENABLED: 'true',
    MAILWARD_LISTENERS_POP3_HOST: '127.0.0.1',
    MAILWARD_LISTENERS_POP3_PORT: String(pop3Port),
    MAILWARD_POP3_ALLOW_PLAINTEXT_AUTH: 'true',
    MAILWARD_SERVER_WORKERS: String(workers),
    ...otherListenersOff(['pop3']),
  };
  return startServeProcess({ dataDir, env, port: pop3Port });
}
