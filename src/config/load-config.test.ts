// Tests for loadConfig: defaults, file and environment layering, and one-line errors that name the key.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MailwardError } from '../errors/index.js';
import { CONFIG_ENV_VARS, LISTENER_NAMES, loadConfig, RESERVED_ENV_VARS } from './index.js';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` to mailward.toml in a fresh temporary directory and returns its path. */
function writeConfig(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-config-'));
  dirs.push(dir);
  const file = path.join(dir, 'mailward.toml');
  fs.writeFileSync(file, text);
  return file;
}

/** The CONFIG_INVALID error loadConfig throws for these options. */
function loadError(options: Parameters<typeof loadConfig>[0]): MailwardError {
  try {
    loadConfig(options);
  } catch (error) {
    expect(error).toBeInstanceOf(MailwardError);
    const mailwardError = error as MailwardError;
    expect(mailwardError.code).toBe('CONFIG_INVALID');
    expect(mailwardError.message).not.toContain('\n');
    expect(mailwardError.message.startsWith('config: ')).toBe(true);
    return mailwardError;
  }
  throw new Error('expected loadConfig to throw');
}

const DEFAULT_PORTS = {
  smtp: 2525,
  submission: 2587,
  smtps: 2465,
  imap: 2143,
  imaps: 2993,
  pop3: 2110,
  pop3s: 2995,
  http: 8080,
  https: 8443,
};

describe('loadConfig defaults', () => {
  it('gives every documented default without a file or environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.hostname).toBe('localhost');
    expect(config.database).toEqual({ url: '', pool_size: 10 });
    expect(config.blobs).toEqual({ store: 'auto' });
    expect(config.tls).toEqual({ cert_file: '', key_file: '' });
    expect(config.log).toEqual({ level: 'info' });
    expect(config.shutdown).toEqual({ grace_seconds: 10 });
    expect(config.geoip).toEqual({ database: '' });
    expect(Object.keys(config.listeners).sort()).toEqual(Object.keys(DEFAULT_PORTS).sort());
    for (const [name, port] of Object.entries(DEFAULT_PORTS)) {
      expect(config.listeners[name as keyof typeof DEFAULT_PORTS]).toEqual({ host: '127.0.0.1', port, enabled: true });
    }
  });

  it('reads an empty file as all defaults', () => {
    expect(loadConfig({ file: writeConfig(''), env: {} })).toEqual(loadConfig({ env: {} }));
  });

  it('keeps the other defaults when a file sets one nested key', () => {
    const config = loadConfig({ file: writeConfig('[listeners.smtp]\nport = 25\n'), env: {} });
    expect(config.listeners.smtp).toEqual({ host: '127.0.0.1', port: 25, enabled: true });
    expect(config.listeners.imap).toEqual({ host: '127.0.0.1', port: 2143, enabled: true });
    expect(config.hostname).toBe('localhost');
    expect(config.database.pool_size).toBe(10);
  });

  it('reads a full file', () => {
    const file = writeConfig(`
hostname = "mail.example.org"
[database]
url = "postgres://mailward:secret@db.internal/mailward"
pool_size = 20
[blobs]
store = "postgres"
[tls]
cert_file = "/etc/mailward/fullchain.pem"
key_file = "/etc/mailward/privkey.pem"
[listeners.pop3]
enabled = false
[listeners.https]
host = "0.0.0.0"
port = 443
[log]
level = "warn"
[shutdown]
grace_seconds = 30
`);
    const config = loadConfig({ file, env: {} });
    expect(config.hostname).toBe('mail.example.org');
    expect(config.database).toEqual({ url: 'postgres://mailward:secret@db.internal/mailward', pool_size: 20 });
    expect(config.blobs.store).toBe('postgres');
    expect(config.tls.key_file).toBe('/etc/mailward/privkey.pem');
    expect(config.listeners.pop3.enabled).toBe(false);
    expect(config.listeners.https).toEqual({ host: '0.0.0.0', port: 443, enabled: true });
    expect(config.log.level).toBe('warn');
    expect(config.shutdown.grace_seconds).toBe(30);
  });
});

describe('loadConfig environment', () => {
  it('lets the environment win over the file, converted to the key type', () => {
    const file = writeConfig('hostname = "file.example.org"\n[listeners.smtp]\nport = 25\n');
    const config = loadConfig({
      file,
      env: {
        MAILWARD_HOSTNAME: 'env.example.org',
        MAILWARD_LISTENERS_SMTP_PORT: '2626',
        MAILWARD_LISTENERS_POP3_ENABLED: 'off',
        MAILWARD_LISTENERS_IMAP_ENABLED: '1',
        MAILWARD_LOG_LEVEL: 'debug',
        MAILWARD_DATABASE_URL: 'postgresql://db/mailward',
      },
    });
    expect(config.hostname).toBe('env.example.org');
    expect(config.listeners.smtp).toEqual({ host: '127.0.0.1', port: 2626, enabled: true });
    expect(config.listeners.pop3.enabled).toBe(false);
    expect(config.listeners.imap.enabled).toBe(true);
    expect(config.log.level).toBe('debug');
    expect(config.database.url).toBe('postgresql://db/mailward');
  });

  it('ignores the reserved variables, unset variables and variables of other programs', () => {
    const config = loadConfig({
      env: {
        MAILWARD_DATA: '/var/lib/mailward',
        MAILWARD_CONFIG: '/etc/mailward.toml',
        MAILWARD_SECRET_KEY: 'x',
        MAILWARD_LOG_LEVEL: undefined,
        PATH: '/usr/bin',
      },
    });
    expect(config).toEqual(loadConfig({ env: {} }));
  });

  it('maps every leaf key to its own variable', () => {
    expect(CONFIG_ENV_VARS.get('MAILWARD_DATABASE_URL')).toBe('database.url');
    expect(CONFIG_ENV_VARS.get('MAILWARD_DATABASE_POOL_SIZE')).toBe('database.pool_size');
    expect(CONFIG_ENV_VARS.get('MAILWARD_SHUTDOWN_GRACE_SECONDS')).toBe('shutdown.grace_seconds');
    expect(CONFIG_ENV_VARS.get('MAILWARD_TLS_CERT_FILE')).toBe('tls.cert_file');
    expect(CONFIG_ENV_VARS.get('MAILWARD_GEOIP_DATABASE')).toBe('geoip.database');
    for (const name of LISTENER_NAMES) {
      for (const field of ['host', 'port', 'enabled']) {
        expect(CONFIG_ENV_VARS.get(`MAILWARD_LISTENERS_${name.toUpperCase()}_${field.toUpperCase()}`)).toBe(
          `listeners.${name}.${field}`,
        );
      }
    }
    // Every variable is its key's path in upper case, one variable per key.
    for (const [variable, key] of CONFIG_ENV_VARS) expect(variable).toBe(`MAILWARD_${key.replaceAll('.', '_').toUpperCase()}`);
    expect(new Set(CONFIG_ENV_VARS.values()).size).toBe(CONFIG_ENV_VARS.size);
    expect(CONFIG_ENV_VARS.get('MAILWARD_SMTP_MAX_MESSAGE_BYTES')).toBe('smtp.max_message_bytes');
    for (const reserved of RESERVED_ENV_VARS) expect(CONFIG_ENV_VARS.has(reserved)).toBe(false);
  });

  it('refuses an unknown MAILWARD_ variable', () => {
    expect(loadError({ env: { MAILWARD_LISTENER_POP3_ENABLED: 'false' } }).message).toBe(
      'config: unknown environment variable MAILWARD_LISTENER_POP3_ENABLED',
    );
  });

  it('names the variable when its value is not an integer', () => {
    expect(loadError({ env: { MAILWARD_LISTENERS_SMTP_PORT: 'x' } }).message).toBe(
      'config: MAILWARD_LISTENERS_SMTP_PORT: expected an integer from 0 to 65535, got "x"',
    );
    for (const value of ['', ' 25', '0x19', '1e3', '-1', '25.0']) {
      expect(loadError({ env: { MAILWARD_LISTENERS_SMTP_PORT: value } }).message).toContain('MAILWARD_LISTENERS_SMTP_PORT');
    }
  });

  it('names the variable when its integer is out of range', () => {
    expect(loadError({ env: { MAILWARD_LISTENERS_SMTP_PORT: '65536' } }).message).toBe(
      'config: MAILWARD_LISTENERS_SMTP_PORT: expected an integer from 0 to 65535, got "65536"',
    );
  });

  it('names the variable when its value is not a boolean', () => {
    expect(loadError({ env: { MAILWARD_LISTENERS_POP3_ENABLED: 'no' } }).message).toBe(
      'config: MAILWARD_LISTENERS_POP3_ENABLED: expected true or false, got "no"',
    );
    for (const value of ['TRUE', 'yes', '', 'toString']) {
      expect(loadError({ env: { MAILWARD_LISTENERS_POP3_ENABLED: value } }).message).toContain('MAILWARD_LISTENERS_POP3_ENABLED');
    }
  });

  it('names the variable when its value is not one of the choices', () => {
    expect(loadError({ env: { MAILWARD_LOG_LEVEL: 'verbose' } }).message).toBe(
      'config: MAILWARD_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
  });
});

describe('loadConfig errors', () => {
  it('refuses an unknown top-level key, naming it and the file', () => {
    const file = writeConfig('[listners.smtp]\nport = 25\n');
    expect(loadError({ file, env: {} }).message).toBe(`config: unknown key "listners" (in ${file})`);
  });

  it('refuses an unknown key in a nested table with its full path', () => {
    const file = writeConfig('[listeners.smtp]\nenabeld = false\n');
    expect(loadError({ file, env: {} }).message).toBe(`config: unknown key "listeners.smtp.enabeld" (in ${file})`);
    const other = writeConfig('[listeners.smpt]\nport = 25\n');
    expect(loadError({ file: other, env: {} }).message).toBe(`config: unknown key "listeners.smpt" (in ${other})`);
  });

  it('refuses a bad port', () => {
    expect(loadError({ file: writeConfig('[listeners.smtp]\nport = "abc"\n'), env: {} }).message).toBe(
      'config: listeners.smtp.port: expected an integer from 0 to 65535, got "abc"',
    );
    expect(loadError({ file: writeConfig('[listeners.imap]\nport = 70000\n'), env: {} }).message).toBe(
      'config: listeners.imap.port: expected an integer from 0 to 65535, got 70000',
    );
    expect(loadError({ file: writeConfig('[listeners.imap]\nport = 25.5\n'), env: {} }).message).toBe(
      'config: listeners.imap.port: expected an integer from 0 to 65535, got 25.5',
    );
  });

  it('accepts port 0 (any free port)', () => {
    expect(loadConfig({ env: { MAILWARD_LISTENERS_IMAP_PORT: '0' } }).listeners.imap.port).toBe(0);
  });

  it('refuses an empty listener host, which would listen on every interface', () => {
    expect(loadError({ file: writeConfig('[listeners.imap]\nhost = ""\n'), env: {} }).message).toBe(
      'config: listeners.imap.host: expected an IP address or host name to listen on (not empty), got ""',
    );
  });

  it('refuses a table where a value belongs and a value where a table belongs', () => {
    expect(loadError({ file: writeConfig('listeners = 5\n'), env: {} }).message).toBe(
      'config: listeners: expected a table, got 5',
    );
    expect(loadError({ file: writeConfig('[hostname]\na = 1\n'), env: {} }).message).toBe(
      'config: hostname: expected a DNS host name such as "mail.example.org", got {"a":1}',
    );
  });

  it('refuses a bad log level', () => {
    expect(loadError({ file: writeConfig('[log]\nlevel = "verbose"\n'), env: {} }).message).toBe(
      'config: log.level: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
  });

  it('reads smtp.trusted_relays from a file or comma-separated from the environment, and refuses what is not an address or network', () => {
    expect(loadConfig({ env: {} }).smtp.trusted_relays).toEqual([]);
    expect(loadConfig({ file: writeConfig('[smtp]\ntrusted_relays = ["192.0.2.7", "2001:db8::/32"]\n'), env: {} }).smtp.trusted_relays).toEqual(['192.0.2.7', '2001:db8::/32']);
    expect(loadConfig({ env: { MAILWARD_SMTP_TRUSTED_RELAYS: ' 192.0.2.7, 198.51.100.0/24 ' } }).smtp.trusted_relays).toEqual(['192.0.2.7', '198.51.100.0/24']);
    expect(loadConfig({ env: { MAILWARD_SMTP_TRUSTED_RELAYS: '' } }).smtp.trusted_relays).toEqual([]);
    for (const bad of ['relay.example.org', '192.0.2.0/33', '2001:db8::/129', '192.0.2.0/24/1', '192.0.2.0/']) {
      expect(loadError({ env: { MAILWARD_SMTP_TRUSTED_RELAYS: bad } }).message).toContain('MAILWARD_SMTP_TRUSTED_RELAYS');
    }
  });

  it('has the SMTP connection caps and time limits a public MX runs with, each settable from the environment', () => {
    expect(loadConfig({ env: {} }).smtp).toMatchObject({
      max_connections_per_ip: 20,
      max_connections_per_network: 100,
      connection_limit_exempt: [],
      command_timeout_seconds: 300,
      command_timeout_under_load_seconds: 30,
      data_timeout_seconds: 180,
      min_data_rate_bytes_per_second: 1024,
      progress_timeout_seconds: 600,
    });
    const smtp = loadConfig({
      env: {
        MAILWARD_SMTP_MAX_CONNECTIONS_PER_IP: '3',
        MAILWARD_SMTP_MAX_CONNECTIONS_PER_NETWORK: '7',
        MAILWARD_SMTP_CONNECTION_LIMIT_EXEMPT: '127.0.0.1,::1',
        MAILWARD_SMTP_COMMAND_TIMEOUT_SECONDS: '2',
        MAILWARD_SMTP_MIN_DATA_RATE_BYTES_PER_SECOND: '0',
      },
    }).smtp;
    expect(smtp).toMatchObject({ max_connections_per_ip: 3, max_connections_per_network: 7, connection_limit_exempt: ['127.0.0.1', '::1'], command_timeout_seconds: 2, min_data_rate_bytes_per_second: 0 });
    expect(loadError({ env: { MAILWARD_SMTP_DATA_TIMEOUT_SECONDS: '3601' } }).message).toBe(
      'config: MAILWARD_SMTP_DATA_TIMEOUT_SECONDS: expected an integer from 1 to 3600, got "3601"',
    );
    expect(loadError({ env: { MAILWARD_SMTP_MAX_CONNECTIONS_PER_IP: '0' } }).message).toBe(
      'config: MAILWARD_SMTP_MAX_CONNECTIONS_PER_IP: expected an integer from 1 to 100000, got "0"',
    );
    expect(loadError({ env: { MAILWARD_SMTP_CONNECTION_LIMIT_EXEMPT: 'localhost' } }).message).toContain('MAILWARD_SMTP_CONNECTION_LIMIT_EXEMPT');
  });

  it('refuses a bad hostname', () => {
    for (const hostname of ['', 'mail_server', '-mail.example.org', 'mail.example.org.', 'a..b', '1.2.3.4', 'x'.repeat(64)]) {
      expect(loadError({ env: { MAILWARD_HOSTNAME: hostname } }).message).toBe(
        `config: MAILWARD_HOSTNAME: expected a DNS host name such as "mail.example.org", got ${JSON.stringify(hostname)}`,
      );
    }
    for (const hostname of ['localhost', 'mail.example.org', 'MX1.Example.ORG', 'xn--bcher-kva.example']) {
      expect(loadConfig({ env: { MAILWARD_HOSTNAME: hostname } }).hostname).toBe(hostname);
    }
  });

  it('refuses a database URL that is not PostgreSQL', () => {
    expect(loadError({ file: writeConfig('[database]\nurl = "mysql://db/mailward"\n'), env: {} }).message).toBe(
      'config: database.url: expected "" (embedded SQLite) or a URL starting with postgres:// or postgresql://, got "mysql://db/mailward"',
    );
  });

  it('refuses a pool size out of range', () => {
    expect(loadError({ env: { MAILWARD_DATABASE_POOL_SIZE: '0' } }).message).toBe(
      'config: MAILWARD_DATABASE_POOL_SIZE: expected an integer from 1 to 100, got "0"',
    );
  });

  it('refuses a grace period out of range', () => {
    expect(loadError({ file: writeConfig('[shutdown]\ngrace_seconds = 601\n'), env: {} }).message).toBe(
      'config: shutdown.grace_seconds: expected an integer from 1 to 600, got 601',
    );
  });

  it('refuses one TLS file without the other', () => {
    expect(loadError({ file: writeConfig('[tls]\ncert_file = "/etc/cert.pem"\n'), env: {} }).message).toBe(
      'config: tls.key_file: must be set together with tls.cert_file (or leave both empty for a self-signed certificate)',
    );
    expect(loadError({ env: { MAILWARD_TLS_KEY_FILE: '/etc/key.pem' } }).message).toBe(
      'config: tls.cert_file: must be set together with tls.key_file (or leave both empty for a self-signed certificate)',
    );
  });

  it('refuses blobs.store = "postgres" without a PostgreSQL database', () => {
    expect(loadError({ file: writeConfig('[blobs]\nstore = "postgres"\n'), env: {} }).message).toMatch(
      /^config: blobs\.store: "postgres" needs database\.url/,
    );
  });

  it('reports a TOML syntax error with the file and line', () => {
    const file = writeConfig('hostname = "mail.example.org"\n[log]\nlevel = \n');
    const message = loadError({ file, env: {} }).message;
    expect(message.startsWith(`config: cannot parse ${file}: `)).toBe(true);
    expect(message).toMatch(/line 3\b/);
  });

  it('refuses a missing file that was named explicitly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailward-config-'));
    dirs.push(dir);
    const file = path.join(dir, 'absent.toml');
    expect(loadError({ file, env: {} }).message).toBe(`config: cannot read ${file}: no such file`);
    expect(loadError({ file: '', env: {} }).message).toBe('config: the configuration file name is empty');
  });

  it('masks the database password in every message', () => {
    const fromFile = loadError({
      file: writeConfig('[database]\nurl = "mysql://mailward:hunter2@db/mailward"\n'),
      env: {},
    }).message;
    expect(fromFile).toContain('"mysql://mailward:***@db/mailward"');
    expect(fromFile).not.toContain('hunter2');

    const fromEnv = loadError({ env: { MAILWARD_DATABASE_URL: 'pg://mailward:p@ss:w0rd@db/mailward' } }).message;
    expect(fromEnv).toBe(
      'config: MAILWARD_DATABASE_URL: expected "" (embedded SQLite) or a URL starting with postgres:// or postgresql://, got "pg://mailward:***@db/mailward"',
    );

    const notAURL = loadError({ env: { MAILWARD_DATABASE_URL: 'mailward:hunter2@db' } }).message;
    expect(notAURL).not.toContain('hunter2');
    expect(notAURL).toContain('got "***@db"');

    const inQuery = loadError({ env: { MAILWARD_DATABASE_URL: 'mysql://db/mailward?user=a&password=hunter2' } }).message;
    expect(inQuery).not.toContain('hunter2');

    const badSyntax = loadError({
      file: writeConfig('[database]\nurl = "postgres://mailward:hunter2@db/mailward\n'),
      env: {},
    }).message;
    expect(badSyntax).not.toContain('hunter2');
  });
});
