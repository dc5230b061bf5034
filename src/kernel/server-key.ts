// The server's master key (from MAILWARD_SECRET_KEY or <data>/keys/server.key) and the purpose keys derived from it.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MailwardError } from '../errors/index.js';

export const SERVER_KEY_BYTES = 32;

/** Keys for separate purposes, so one never doubles as another (HKDF-SHA-256 with a label). */
export type KeyPurpose = 'app-password' | 'failed-secret' | 'security-token' | 'device' | 'csrf' | 'totp-encryption' | 'backup-code' | 'dkim-encryption' | 'srs' | 'image-proxy';

export class ServerKey {
  readonly #master: Buffer;
  readonly #derived = new Map<KeyPurpose, Buffer>();

  constructor(master: Buffer) {
    if (master.length < SERVER_KEY_BYTES) throw new MailwardError('CONFIG_INVALID', { message: `server key: at least ${SERVER_KEY_BYTES} bytes are required` });
    this.#master = master;
  }

  key(purpose: KeyPurpose): Buffer {
    let key = this.#derived.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.#master, Buffer.alloc(0), `mailward ${purpose}`, 32));
      this.#derived.set(purpose, key);
    }
    return key;
  }

  /** Keyed hash (HMAC-SHA-256, hex) of high-entropy secrets such as app passwords and tokens. */
  mac(purpose: KeyPurpose, text: string): string {
    return createHmac('sha256', this.key(purpose)).update(text).digest('hex');
  }
}

/**
 * MAILWARD_SECRET_KEY (64 hex characters or base64 of 32 bytes) wins; otherwise the key file in
 * the data directory, created on first use with mode 0600. Every node of a cluster must share it.
 */
export function loadServerKey(options: { dataDir: string; env?: Record<string, string | undefined> }): ServerKey {
  const fromEnv = (options.env ?? process.env).MAILWARD_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv !== '') {
    const bytes = /^[0-9a-fA-F]{64,}$/.test(fromEnv) ? Buffer.from(fromEnv, 'hex') : Buffer.from(fromEnv, 'base64');
    if (bytes.length < SERVER_KEY_BYTES) {
      throw new MailwardError('CONFIG_INVALID', { message: 'MAILWARD_SECRET_KEY: expected 64 hex characters or the base64 of 32 random bytes' });
    }
    return new ServerKey(bytes);
  }
  const dir = path.join(options.dataDir, 'keys');
  const file = path.join(dir, 'server.key');
  try {
    if (fs.existsSync(file)) return new ServerKey(fs.readFileSync(file));
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, randomBytes(SERVER_KEY_BYTES));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // link() fails if another process won the race: then both use the winner's key.
    try {
      fs.linkSync(tmp, file);
    } finally {
      fs.unlinkSync(tmp);
    }
    return new ServerKey(fs.readFileSync(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return new ServerKey(fs.readFileSync(file));
    if (error instanceof MailwardError) throw error;
    throw new MailwardError('STORAGE_UNAVAILABLE', { message: `server key: cannot use ${file}: ${(error as Error).message}`, cause: error });
  }
}
