// `mailward serve` as a child process on port 0: health over HTTP and HTTPS, the CLI beside it on the
// same data, graceful SIGTERM, the first-run administrator, and a port already taken.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeCLI, ephemeralPortsEnv, expectSuccess, killAllServes, lines, runCLI, startServe, tempDataDir, withDataDir } from '../support/cli.js';

interface Response {
  status: number;
  body: string;
  /** SHA-256 fingerprint of the server certificate (HTTPS only). */
  fingerprint?: string;
}

function get(url: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const secure = url.startsWith('https:');
    const callback = (res: http.IncomingMessage): void => {
      const fingerprint = secure ? (res.socket as TLSSocket).getPeerCertificate().fingerprint256 : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ...(fingerprint ? { fingerprint } : {}) }));
    };
    // The self-signed certificate is not trusted here; what it is gets checked against the file instead.
    const request = secure ? https.get(url, { rejectUnauthorized: false, agent: false }, callback) : http.get(url, { agent: false }, callback);
    request.setTimeout(5000, () => request.destroy(new Error(`GET ${url}: timeout`)));
    request.on('error', reject);
  });
}

const FIRST_RUN_PASSWORD = /^\s*password:\s+(\S+)\s*$/m;

describeCLI('mailward serve', { neverPrinted: '$argon2', cleanup: killAllServes }, () => {
  it('first run: announces the admin on stderr only, serves /healthz over HTTP and HTTPS, works beside the CLI, stops on SIGTERM', async () => {
    const data = tempDataDir();
    const serve = await startServe({ data, args: ['--first-run'] });

    // The one-time password goes to the terminal, once, and never into the log lines on stdout.
    const password = FIRST_RUN_PASSWORD.exec(serve.stderr())?.[1] ?? '';
    expect(serve.stderr()).toMatch(/^\s*address:\s+admin@example\.test\s*$/m);
    expect(password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    expect(serve.stderr().split(password).length - 1).toBe(1);

    const { http: plain, https: secure } = serve.listeners;
    expect(plain?.host).toBe('127.0.0.1');
    expect(plain?.port).toBeGreaterThan(0);
    expect(secure?.port).toBeGreaterThan(0);
    const health = await get(`http://127.0.0.1:${plain!.port}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });

    const certFile = path.join(data, 'tls', 'selfsigned-cert.pem');
    expect(fs.existsSync(certFile)).toBe(true);
    const secureHealth = await get(`https://127.0.0.1:${secure!.port}/healthz`);
    expect(secureHealth.status).toBe(200);
    expect(JSON.parse(secureHealth.body)).toEqual({ status: 'ok' });
    expect(secureHealth.fingerprint).toBe(new X509Certificate(fs.readFileSync(certFile)).fingerprint256);

    // Query strings carry one-time tokens: neither a 404 nor the request log may repeat them.
    const missing = await get(`http://127.0.0.1:${plain!.port}/api/v1/reset?token=TOKEN-8c1f2e`);
    expect(missing.status).toBe(404);
    expect(missing.body).not.toContain('TOKEN-8c1f2e');
    // A webmail page (the app's router reads the token in the browser) is the same page for every query.
    const page = await get(`http://127.0.0.1:${plain!.port}/reset-password?token=TOKEN-8c1f2e`);
    expect(page.body).not.toContain('TOKEN-8c1f2e');

    // Second processes on the same SQLite data while serve holds it open (WAL).
    const added = await runCLI(['user', 'add', 'carol@example.test', '--password-stdin'], { data, stdin: 'Correct-h0rse-b4ttery\n' });
    expect(expectSuccess(added)).toBe('account carol@example.test added\n');
    const listed = JSON.parse(expectSuccess(await runCLI(['user', 'list', '--json'], { data }))) as Array<{
      address: string;
      admin: boolean;
      mustChangePassword: boolean;
    }>;
    expect(listed).toMatchObject([
      { address: 'admin@example.test', admin: true, mustChangePassword: true },
      { address: 'carol@example.test', admin: false, mustChangePassword: false },
    ]);
    expect((await get(`http://127.0.0.1:${plain!.port}/healthz`)).status).toBe(200);

    const stoppingAt = Date.now();
    expect(await serve.stop('SIGTERM', { timeoutMs: 5000 })).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppingAt).toBeLessThan(5000);
    expect(serve.logs.some((line) => line.msg === 'stopped')).toBe(true);
    expect(serve.strayStdout).toEqual([]);
    expect(serve.stdout()).not.toContain(password);
    expect(serve.stdout()).not.toContain('TOKEN-8c1f2e');

    // The printed password opens the administrator account, which lives in the example.test domain.
    const admin = JSON.parse(expectSuccess(await runCLI(['user', 'show', 'admin@example.test', '--json'], { data }))) as {
      admin: boolean;
      status: string;
    };
    expect(admin).toMatchObject({ admin: true, status: 'active' });
    await withDataDir(data, async (app) => {
      expect((await app.accounts.listDomains()).map((d) => d.name)).toEqual(['example.test']);
      const account = await app.accounts.getUser('admin@example.test');
      expect(await app.accounts.verifyPassword(account, password)).toBe(true);
      expect(await app.accounts.verifyPassword(account, `${password}x`)).toBe(false);
    });

    // The same data again: the administrator exists, so there is nothing to announce.
    const again = await startServe({ data, args: ['--first-run'] });
    expect(await again.stop()).toEqual({ code: 0, signal: null });
    expect(again.stderr()).not.toMatch(/password/i);
    expect(again.stderr()).not.toContain(password);
    await withDataDir(data, async (app) => expect((await app.accounts.listUsers()).length).toBe(2));
  });

  it('runs in its own process with a young generation capped at 8 MiB and two malloc arenas, unless the operator set them', async () => {
    const data = tempDataDir();
    const serve = await startServe({ data });
    const pid = serve.child.pid!;
    // The same process (execve, not a child): the pid the caller holds is the server's.
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('--max-semi-space-size=8');
    expect(cmdline).toContain('serve');
    expect(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
    await serve.stop();

    const tuned = await startServe({ data, env: { MALLOC_ARENA_MAX: '4', NODE_OPTIONS: '--max-semi-space-size=16' } });
    const tunedPid = tuned.child.pid!;
    expect(fs.readFileSync(`/proc/${tunedPid}/cmdline`, 'utf8').split('\0')).not.toContain('--max-semi-space-size=8');
    expect(fs.readFileSync(`/proc/${tunedPid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=4');
    await tuned.stop();
  });

  it('exits 1 with one line when a listener port is already in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runCLI(['serve'], {
        data: tempDataDir(),
        env: { ...ephemeralPortsEnv(), MAILWARD_LISTENERS_HTTP_PORT: String(port) },
      });
      expect(result.code).toBe(1);
      const errorLines = lines(result.stderr);
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(new RegExp(`^mailward: .*EADDRINUSE.*127\\.0\\.0\\.1:${port}`));
      // It never got as far as serving.
      expect(lines(result.stdout).some((line) => line.includes('"msg":"mailward started"'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
