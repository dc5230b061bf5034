// The anchor: Postfix from Debian, installed if missing, as a private instance (own config, queue and data directories) on 127.0.0.1:<high port>, delivering to a Maildir with virtual(8).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { memoryKiB, processTree, sumMemoryKiB, treeCpuMs } from './proc.mjs';

const POLICY_RC = '/usr/sbin/policy-rc.d';
// nobody: virtual(8) delivers as this uid/gid (it refuses uids below virtual_minimum_uid, 100).
const MAIL_UID = 65534;
const MAIL_GID = 65534;

function run(file, args, options = {}) {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...options });
}

function installed() {
  return fs.existsSync('/usr/sbin/postfix') && fs.existsSync('/usr/sbin/postconf');
}

/**
 * Installs Debian's postfix when it is missing, without letting Debian start its stock daemon:
 * policy-rc.d exits 101 during the install (put back as it was afterwards), and debconf gets its
 * answers first ("Local only", mailname example.test) so the install asks nothing.
 */
export function ensurePostfix(log) {
  if (installed()) return { installedNow: false };
  if (process.getuid?.() !== 0) throw new Error('postfix is not installed and installing it needs root (apt-get)');
  log('  postfix is missing: installing it from Debian (apt-get; the stock daemon is kept from starting)');
  const previous = fs.existsSync(POLICY_RC) ? { text: fs.readFileSync(POLICY_RC), mode: fs.statSync(POLICY_RC).mode } : null;
  const denies = spawnSync(POLICY_RC, [], { stdio: 'ignore' }).status === 101;
  if (!denies) fs.writeFileSync(POLICY_RC, '#!/bin/sh\n# written by bench/smtp for the postfix install\nexit 101\n', { mode: 0o755 });
  try {
    run('debconf-set-selections', [], {
      input: 'postfix postfix/main_mailer_type select Local only\npostfix postfix/mailname string example.test\n',
    });
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'postfix'], { env, encoding: 'utf8' });
    let result = install();
    if (result.status !== 0) {
      // A fresh machine may have no package lists yet.
      spawnSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
      result = install();
    }
    if (result.status !== 0) throw new Error(`apt-get install postfix failed:\n${result.stderr.trim().split('\n').slice(-5).join('\n')}`);
  } finally {
    if (!denies) {
      if (previous) fs.writeFileSync(POLICY_RC, previous.text, { mode: previous.mode });
      else fs.rmSync(POLICY_RC, { force: true });
    }
  }
  if (!installed()) throw new Error('apt-get install postfix finished, but /usr/sbin/postfix is not there');
  return { installedNow: true };
}

export function postfixVersion() {
  try {
    return run('postconf', ['-d', '-h', 'mail_version']).trim();
  } catch {
    return 'n/a';
  }
}

/**
 * A private Postfix instance under `dir`: etc/ (main.cf and master.cf copied from /etc/postfix and
 * changed with postconf -c), queue/, data/, mail/ (the virtual mailbox base) and postfix.log.
 * Debian's main.cf is kept otherwise (e.g. STARTTLS offered with the snakeoil certificate).
 */
export async function startPostfix({ dir, port, domain, user, users = [user], processLimit }) {
  const etc = path.join(dir, 'etc');
  const queue = path.join(dir, 'queue');
  const data = path.join(dir, 'data');
  const mail = path.join(dir, 'mail');
  const logFile = path.join(dir, 'postfix.log');
  for (const d of [dir, etc, queue, data, mail]) fs.mkdirSync(d, { recursive: true, mode: 0o755 });
  // mkdtemp makes 0700 directories; postfix's daemons (user postfix) and virtual (uid nobody) walk these paths.
  fs.chmodSync(dir, 0o755);
  for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) {
    if ((fs.statSync(d).mode & 0o001) === 0) throw new Error(`postfix cannot reach ${dir}: ${d} is not searchable by others (use --dir)`);
  }
  fs.chownSync(data, Number(run('id', ['-u', 'postfix']).trim()), Number(run('id', ['-g', 'postfix']).trim()));
  fs.chownSync(mail, MAIL_UID, MAIL_GID);
  for (const name of ['main.cf', 'master.cf', 'dynamicmaps.cf']) {
    if (fs.existsSync(`/etc/postfix/${name}`)) fs.copyFileSync(`/etc/postfix/${name}`, path.join(etc, name));
  }
  for (const name of ['dynamicmaps.cf.d', 'postfix-files', 'postfix-files.d']) {
    if (fs.existsSync(`/etc/postfix/${name}`)) fs.cpSync(`/etc/postfix/${name}`, path.join(etc, name), { recursive: true });
  }
  const postconf = (...args) => run('postconf', ['-c', etc, ...args]);
  postconf(
    '-e',
    `queue_directory=${queue}`,
    `data_directory=${data}`,
    'inet_interfaces=127.0.0.1',
    'inet_protocols=ipv4',
    `myhostname=postfix.${domain}`,
    'mydestination=',
    'relayhost=',
    'alias_maps=',
    'alias_database=',
    'local_recipient_maps=',
    `virtual_mailbox_domains=${domain}`,
    `virtual_mailbox_base=${mail}`,
    `virtual_mailbox_maps=hash:${path.join(etc, 'vmailbox')}`,
    `virtual_uid_maps=static:${MAIL_UID}`,
    `virtual_gid_maps=static:${MAIL_GID}`,
    // Mailward does no reverse DNS per connection either (and this machine has no DNS).
    'smtpd_peername_lookup=no',
    // Room for the idle-connection test: one smtpd process per connection.
    `default_process_limit=${processLimit}`,
    'smtpd_client_connection_count_limit=0',
    'biff=no',
    // Logging through postlogd to a file (the way Postfix logs without syslog), to check deliveries.
    `maillog_file=${logFile}`,
    `maillog_file_prefixes=${dir}`,
  );
  // STARTTLS offered, as Mailward's MX does (and as Debian configures when its snakeoil certificate
  // exists): a self-signed certificate of the instance's own. Offered only; the bench never uses it.
  const tls = selfSignedCertificate(etc, `postfix.${domain}`);
  if (tls) postconf('-e', `smtpd_tls_cert_file=${tls.cert}`, `smtpd_tls_key_file=${tls.key}`, 'smtpd_tls_security_level=may');
  // No listener on port 25: one on the bench's port only.
  postconf('-M#', 'smtp/inet');
  postconf('-M', `127.0.0.1:${port}/inet=127.0.0.1:${port} inet n - n - - smtpd`);
  postconf('-F', '*/*/chroot = n');
  fs.writeFileSync(path.join(etc, 'vmailbox'), users.map((name) => `${name}@${domain} ${domain}/${name}/\n`).join(''));
  run('postmap', ['-c', etc, path.join(etc, 'vmailbox')]);
  run('postfix', ['-c', etc, 'check']);
  run('postfix', ['-c', etc, 'start']);
  const pidFile = path.join(queue, 'pid', 'master.pid');
  let pid = 0;
  for (let i = 0; i < 100 && !pid; i++) {
    await sleep(100);
    if (fs.existsSync(pidFile)) pid = Number(fs.readFileSync(pidFile, 'utf8').trim()) || 0;
  }
  if (!pid) throw new Error(`postfix did not start; see ${logFile}`);
  const maildirs = users.map((name) => path.join(mail, domain, name));
  return new PostfixInstance({ dir, etc, queue, logFile, maildirs, pid, port });
}

/** A self-signed certificate and key made with openssl in `dir`, or null when openssl is missing. */
function selfSignedCertificate(dir, name) {
  const cert = path.join(dir, 'smtpd-cert.pem');
  const key = path.join(dir, 'smtpd-key.pem');
  const result = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  return result.status === 0 ? { cert, key } : null;
}

export class PostfixInstance {
  constructor({ dir, etc, queue, logFile, maildirs, pid, port }) {
    Object.assign(this, { dir, etc, queue, logFile, maildirs, pid, port });
    this.stashed = 0;
    this.stashes = 0;
  }

  /** Messages in the Maildirs' new/ (virtual delivers there; nothing reads them). */
  newCount() {
    let count = 0;
    for (const maildir of this.maildirs) {
      try {
        count += fs.readdirSync(path.join(maildir, 'new')).length;
      } catch {
        // not delivered to yet
      }
    }
    return count;
  }

  /** Every message delivered so far, including the runs moved aside. */
  deliveredTotal() {
    return this.stashed + this.newCount();
  }

  /**
   * Waits until the new/ folders hold `expected` messages; returns the time (epoch ms) the last one
   * was written (its mtime), or null on timeout.
   */
  async waitForDelivery(expected, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (this.newCount() < expected) {
      if (Date.now() > deadline) return null;
      await sleep(25);
    }
    let last = 0;
    for (const maildir of this.maildirs) {
      const dir = path.join(maildir, 'new');
      if (!fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir)) last = Math.max(last, fs.statSync(path.join(dir, name)).mtimeMs);
    }
    return last;
  }

  /** Moves new/ aside (between runs, when nothing is being delivered) so the next run counts from zero. */
  stashNew() {
    const count = this.newCount();
    this.stashes++;
    for (const maildir of this.maildirs) {
      const dir = path.join(maildir, 'new');
      if (!fs.existsSync(dir)) continue;
      fs.renameSync(dir, path.join(maildir, `new.run${this.stashes}`));
      fs.mkdirSync(dir, { mode: 0o700 });
      fs.chownSync(dir, MAIL_UID, MAIL_GID);
    }
    this.stashed += count;
  }

  /** Messages still in the queue (none once delivery has caught up). */
  queued() {
    let count = 0;
    for (const sub of ['incoming', 'active', 'deferred']) {
      const walk = (d) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
          if (entry.isDirectory()) walk(path.join(d, entry.name));
          else count++;
        }
      };
      try {
        walk(path.join(this.queue, sub));
      } catch {
        // not there
      }
    }
    return count;
  }

  cpuMs() {
    return treeCpuMs(this.pid);
  }

  /**
   * PSS and RSS summed over the smtpd processes (one per connection), and over the whole
   * process tree of master.
   */
  memory() {
    const tree = processTree(this.pid);
    const smtpd = sumMemoryKiB(tree.filter((p) => p.comm === 'smtpd').map((p) => p.pid));
    const all = sumMemoryKiB(tree.map((p) => p.pid));
    return { smtpd, all, master: memoryKiB(this.pid) };
  }

  smtpdCount() {
    return processTree(this.pid).filter((p) => p.comm === 'smtpd').length;
  }

  /** Errors and warnings Postfix logged (e.g. a failed delivery). */
  problems() {
    try {
      return fs
        .readFileSync(this.logFile, 'utf8')
        .split('\n')
        .filter((line) => /(warning|error|fatal|panic):|status=(deferred|bounced)/.test(line));
    } catch {
      return [];
    }
  }

  /** Stops the instance by its own master pid (postfix stop, then abort, then SIGKILL). */
  async stop() {
    // A master that exited may stay a zombie when whatever adopted it does not reap: that is gone too.
    const alive = () => {
      try {
        const text = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
        return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
      } catch {
        return false;
      }
    };
    spawnSync('postfix', ['-c', this.etc, 'stop'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && alive(); i++) await sleep(100);
    if (alive()) {
      spawnSync('postfix', ['-c', this.etc, 'abort'], { stdio: 'ignore' });
      await sleep(500);
    }
    if (alive()) process.kill(this.pid, 'SIGKILL');
  }
}
