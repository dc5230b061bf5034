// Tests TLSManager on real files and a real TLS socket: self-signed lifecycle and hot reload.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { isMailwardError } from '../../errors/index.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { TLSManager, type TLSCredentials } from './index.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mailward-tls-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function open(options: Parameters<typeof TLSManager.open>[0]): Promise<TLSManager> {
  const manager = await TLSManager.open(options);
  cleanups.push(() => manager.close());
  return manager;
}

function recordingLogger(): { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
  };
}

/** EC keys: generated in milliseconds, so the reload tests stay fast. */
async function makePair(commonName: string, options: { notAfterDate?: Date } = {}): Promise<TLSCredentials & { fingerprint: string }> {
  const pems = await generate([{ name: 'commonName', value: commonName }], { keyType: 'ec', algorithm: 'sha256', ...options });
  return { cert: pems.cert, key: pems.private, fingerprint: new X509Certificate(pems.cert).fingerprint256 };
}

/** Replaces a file the way certbot and config managers do: write elsewhere, rename over. */
async function replaceFile(file: string, content: string): Promise<void> {
  const temp = `${file}.new`;
  await writeFile(temp, content);
  await rename(temp, file);
}

async function startServer(manager: TLSManager): Promise<tls.Server> {
  const server = tls.createServer((socket) => socket.end('hello\r\n'));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanups.push(manager.attach(server));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function peerFingerprint(server: tls.Server): Promise<string> {
  const { port } = server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

describe('TLSManager with a self-signed certificate', () => {
  it('generates the pair on first start with an owner-only key', async () => {
    const dataDir = await tempDir();
    const manager = await open({ dataDir, hostname: 'mail.example.test' });

    const dir = path.join(dataDir, 'tls');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, 'selfsigned-key.pem'))).mode & 0o777).toBe(0o600);
    const certPem = await readFile(path.join(dir, 'selfsigned-cert.pem'), 'utf8');
    expect(await readFile(path.join(dir, 'selfsigned-key.pem'), 'utf8')).toBe(manager.credentials.key);
    expect(certPem).toBe(manager.credentials.cert);

    const cert = new X509Certificate(certPem);
    expect(manager.fingerprint).toBe(cert.fingerprint256);
    expect(cert.subject).toBe('CN=mail.example.test');
    expect(cert.subjectAltName).toContain('DNS:mail.example.test');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('mail.example.test')).toBe('mail.example.test');
    const days = (new Date(cert.validTo).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(300);
    expect(days).toBeLessThanOrEqual(825);
  });

  it('reuses the pair on the next start, and replaces it when the host name changes', async () => {
    const dataDir = await tempDir();
    const first = await open({ dataDir, hostname: 'mail.example.test' });
    first.close();
    const second = await open({ dataDir, hostname: 'MAIL.example.test' });
    expect(second.fingerprint).toBe(first.fingerprint);

    const renamed = await open({ dataDir, hostname: 'mx.example.test' });
    expect(renamed.fingerprint).not.toBe(first.fingerprint);
    expect(new X509Certificate(renamed.credentials.cert).subjectAltName).toContain('DNS:mx.example.test');
  });

  it('replaces corrupt files with a warning, and a certificate that expires within 30 days', async () => {
    const dataDir = await tempDir();
    const dir = path.join(dataDir, 'tls');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'selfsigned-cert.pem'), 'not a certificate');
    await writeFile(path.join(dir, 'selfsigned-key.pem'), 'not a key');
    const logger = recordingLogger();
    const repaired = await open({ dataDir, hostname: 'localhost', logger });
    expect(logger.lines.some((line) => line.level === 'warn' && /corrupt/.test(line.msg ?? ''))).toBe(true);
    expect(new X509Certificate(await readFile(path.join(dir, 'selfsigned-cert.pem'))).fingerprint256).toBe(repaired.fingerprint);

    const expiring = await makePair('localhost', { notAfterDate: new Date(Date.now() + 10 * 86_400_000) });
    await writeFile(path.join(dir, 'selfsigned-cert.pem'), expiring.cert);
    await writeFile(path.join(dir, 'selfsigned-key.pem'), expiring.key);
    const renewed = await open({ dataDir, hostname: 'localhost' });
    expect(renewed.fingerprint).not.toBe(expiring.fingerprint);
  });

  it('is served by a tls.Server through attach()', async () => {
    const manager = await open({ dataDir: await tempDir(), hostname: 'mail.example.test' });
    const server = await startServer(manager);
    expect(await peerFingerprint(server)).toBe(manager.fingerprint);
  });
});

describe('TLSManager with configured files', () => {
  async function configuredFiles(pair: TLSCredentials): Promise<{ dataDir: string; certFile: string; keyFile: string }> {
    const dataDir = await tempDir();
    const certFile = path.join(dataDir, 'fullchain.pem');
    const keyFile = path.join(dataDir, 'privkey.pem');
    await writeFile(certFile, pair.cert);
    await writeFile(keyFile, pair.key, { mode: 0o600 });
    return { dataDir, certFile, keyFile };
  }

  it('serves a replaced pair to new connections without a restart', async () => {
    const [pairA, pairB] = await Promise.all([makePair('a.example.test'), makePair('b.example.test')]);
    const files = await configuredFiles(pairA);
    const manager = await open({ ...files, hostname: 'mail.example.test', watchIntervalMs: 100 });
    const reloaded: string[] = [];
    cleanups.push(manager.onReload((credentials) => reloaded.push(new X509Certificate(credentials.cert).fingerprint256)));
    const server = await startServer(manager);
    expect(await peerFingerprint(server)).toBe(pairA.fingerprint);

    await replaceFile(files.keyFile, pairB.key);
    await replaceFile(files.certFile, pairB.cert);
    await waitFor(() => manager.fingerprint === pairB.fingerprint, { timeout: 3000, what: 'the new pair in use' });
    expect(await peerFingerprint(server)).toBe(pairB.fingerprint);
    expect(reloaded).toEqual([pairB.fingerprint]);
    // No other files appear in the data directory when a certificate is configured.
    await expect(stat(path.join(files.dataDir, 'tls'))).rejects.toThrow();
  });

  it('refuses a mismatched pair at open with one CONFIG_INVALID line', async () => {
    const [pairA, pairB] = await Promise.all([makePair('a.example.test'), makePair('b.example.test')]);
    const files = await configuredFiles({ cert: pairA.cert, key: pairB.key });
    const error: unknown = await TLSManager.open({ ...files, hostname: 'mail.example.test' }).catch((caught: unknown) => caught);
    expect(isMailwardError(error, 'CONFIG_INVALID')).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/^tls: /);
    expect(message).toContain(files.keyFile);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('PRIVATE KEY');
  });

  it('names the file that is missing or not PEM, and refuses a certFile without keyFile', async () => {
    const pair = await makePair('a.example.test');
    const files = await configuredFiles(pair);
    const missing = path.join(files.dataDir, 'missing.pem');
    await expect(TLSManager.open({ ...files, keyFile: missing, hostname: 'h' })).rejects.toThrow(`tls: keyFile ${missing} cannot be read (ENOENT)`);
    await expect(TLSManager.open({ ...files, certFile: files.keyFile, hostname: 'h' })).rejects.toThrow(`tls: certFile ${files.keyFile} contains no PEM certificate`);
    await expect(TLSManager.open({ dataDir: files.dataDir, certFile: files.certFile, hostname: 'h' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('keeps serving the old pair while the new one is inconsistent, then takes it', async () => {
    const [pairA, pairB] = await Promise.all([makePair('a.example.test'), makePair('b.example.test')]);
    const files = await configuredFiles(pairA);
    const logger = recordingLogger();
    const manager = await open({ ...files, hostname: 'mail.example.test', watchIntervalMs: 100, logger });
    const server = await startServer(manager);

    await replaceFile(files.certFile, pairB.cert); // certificate renewed, key not yet
    await waitFor(() => logger.lines.some((line) => line.level === 'warn'), { timeout: 3000, what: 'a warning' });
    expect(manager.fingerprint).toBe(pairA.fingerprint);
    expect(await peerFingerprint(server)).toBe(pairA.fingerprint);

    await writeFile(files.keyFile, pairB.key); // rewritten in place this time
    await waitFor(() => manager.fingerprint === pairB.fingerprint, { timeout: 3000, what: 'the new pair in use' });
    expect(await peerFingerprint(server)).toBe(pairB.fingerprint);

    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings.every((line) => /not a usable pair yet/.test(line.msg ?? ''))).toBe(true);
    expect(JSON.stringify(logger.lines)).not.toContain('PRIVATE KEY');
  });
});
