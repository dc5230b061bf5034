// The anchor: a standalone Dovecot (Debian's package) on loopback high ports, its own config and base_dir, Maildir storage, an argon2id passwd-file.
import { execFileSync, execSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hash } from '@node-rs/argon2';
import { canConnect, stopChild } from '../serve-process.mjs';
import { memoryKiB, processTree, treeCpuMs } from '../smtp/proc.mjs';

/** Installs dovecot-imapd and dovecot-pop3d when missing, without letting Debian start its own daemon. */
export function ensureDovecot() {
  if (fs.existsSync('/usr/sbin/dovecot') && fs.existsSync('/usr/lib/dovecot/imap') && fs.existsSync('/usr/lib/dovecot/pop3')) return;
  const policy = '/usr/sbin/policy-rc.d';
  const hadPolicy = fs.existsSync(policy);
  if (!hadPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'dovecot-imapd', 'dovecot-pop3d'], { env, stdio: 'inherit' });
    if (install().status !== 0) {
      execFileSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
      if (install().status !== 0) throw new Error('apt-get install dovecot-imapd dovecot-pop3d failed');
    }
  } finally {
    if (!hadPolicy) fs.rmSync(policy, { force: true });
  }
}

export function dovecotVersion() {
  try {
    return execSync('dovecot --version', { encoding: 'utf8' }).trim();
  } catch {
    return 'n/a';
  }
}

/** The same argon2id cost Mailward uses (OWASP: m=19 MiB, t=2, p=1), in the PHC form libsodium verifies. */
export async function argon2Entry(password) {
  return `{ARGON2ID}${await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 })}`;
}

/**
 * Writes `messages` (Buffers) into the user's Maildir `cur/` with no flags, one file each, as a
 * delivery agent would have, owned by the mail user.
 */
export function fillMaildir({ dir, user, messages }) {
  const maildir = path.join(dir, 'mail', user, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(maildir, sub), { recursive: true });
  const base = Math.floor(Date.now() / 1000) - messages.length;
  messages.forEach((raw, i) => {
    fs.writeFileSync(path.join(maildir, 'cur', `${base + i}.M${i}P1.bench,S=${raw.length}:2,`), raw);
  });
  execFileSync('chown', ['-R', 'mail:mail', path.join(dir, 'mail')]);
}

/** The login service of `protocol` on a fixed loopback port (its TLS twin closed); tuned, Dovecot's high-performance mode. */
function loginService(protocol, port, tuned) {
  return `service ${protocol}-login {
  inet_listener ${protocol} {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener ${protocol}s {
    port = 0
  }
${tuned ? '  service_count = 0\n  process_min_avail = 2\n' : ''}}
`;
}

/** Starts `dovecot -F -c CONFIG` in the foreground; IMAP on `imapPort`, POP3 on `pop3Port`. */
export async function startDovecot({ dir, imapPort, pop3Port, user, users = [user], password, tuned = true, maxConnections = 3000 }) {
  const protocols = pop3Port ? 'imap pop3' : 'imap';
  fs.mkdirSync(path.join(dir, 'run'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
  const lines = await Promise.all(users.map(async (name) => `${name}:${await argon2Entry(password)}::::::\n`));
  fs.writeFileSync(path.join(dir, 'passwd'), lines.join(''), { mode: 0o644 });
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot-info.log
protocols = ${protocols}
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
default_process_limit = ${maxConnections + 100}
default_client_limit = ${maxConnections * 2 + 100}
default_vsz_limit = 0
protocol imap {
  mail_max_userip_connections = ${maxConnections + 100}
}
protocol pop3 {
  mail_max_userip_connections = ${maxConnections + 100}
}
${loginService('imap', imapPort, tuned)}${pop3Port ? loginService('pop3', pop3Port, tuned) : ''}service imap {
  process_limit = ${maxConnections + 100}
}
service auth {
  client_limit = 20000
}
service anvil {
  client_limit = 20000
}
passdb {
  driver = passwd-file
  args = ${dir}/passwd
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${dir}/mail/%u
}
`;
  const configFile = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(configFile, config);
  const child = spawn('dovecot', ['-F', '-c', configFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}; see ${dir}/dovecot.log`);
    if (await canConnect(imapPort)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dovecot did not listen on ${imapPort}; see ${dir}/dovecot.log`);
    }
    await sleep(100);
  }
  return {
    pid: child.pid,
    memory: () => sumTree(child.pid),
    cpuMs: () => treeCpuMs(child.pid),
    stop: () => stopChild(child, 10_000),
  };
}

/** PSS and RSS summed over a process tree (KiB). */
export function sumTree(pid) {
  let pss = 0;
  let rss = 0;
  let count = 0;
  for (const p of processTree(pid)) {
    const m = memoryKiB(p.pid);
    if (!m) continue;
    pss += m.pss;
    rss += m.rss;
    count++;
  }
  return { pss, rss, processes: count };
}
