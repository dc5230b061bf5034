// The one schema of Mailward's configuration: every key, its type, its default and its security meaning.
import { z } from 'zod';
import { isHostname, leaf } from './config-leaf.js';
import { SMTP_SCHEMA } from './smtp-schema.js';

export { CONFIG_EXPECTED_FORMS, type ConfigLeafMeta } from './config-leaf.js';

/** The log levels pino knows, quietest last. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Where message bodies live; "auto" follows the database (fs beside SQLite, postgres with PostgreSQL). */
export const BLOB_STORES = ['auto', 'fs', 'postgres'] as const;

/** How outbound mail reaches the smarthost: STARTTLS (required), TLS from the first byte, or plain. */
export const SMARTHOST_TLS_MODES = ['starttls', 'implicit', 'none'] as const;

/**
 * Every listener and its development port. Production uses the standard ports (25, 587, 465, 143,
 * 993, 110, 995, 80, 443) by configuration; the defaults sit above 1024 so a first run needs no root.
 */
export const LISTENER_DEFAULT_PORTS = {
  /** SMTP MX: mail from other servers; STARTTLS offered, no authentication. */
  smtp: 2525,
  /** SMTP submission for mail clients (STARTTLS, authentication required). */
  submission: 2587,
  /** SMTP submission over implicit TLS. */
  smtps: 2465,
  /** IMAP with STARTTLS; plain-text login is refused before TLS unless configured. */
  imap: 2143,
  /** IMAP over implicit TLS. */
  imaps: 2993,
  /** POP3 with STLS; plain-text login is refused before TLS unless configured. */
  pop3: 2110,
  /** POP3 over implicit TLS. */
  pop3s: 2995,
  /** Webmail, API and admin console over plain HTTP (meant for a local reverse proxy or a redirect). */
  http: 8080,
  /** Webmail, API and admin console over TLS. */
  https: 8443,
} as const;

export type ListenerName = keyof typeof LISTENER_DEFAULT_PORTS;

export const LISTENER_NAMES = Object.keys(LISTENER_DEFAULT_PORTS) as ListenerName[];

/** One listener; every field has its own default so a file may set just one of them. */
function listenerSchema(defaultPort: number) {
  return z
    .object({
      // Default "127.0.0.1": nothing is reachable from the network until the admin says so.
      // "0.0.0.0" or "::" listens on every interface. Empty is refused because Node would then
      // listen on every interface too, which must never happen by accident.
      host: leaf(z.string().min(1).default('127.0.0.1'), 'an IP address or host name to listen on (not empty)'),
      // Default: the development port listed in LISTENER_DEFAULT_PORTS. 0 picks a free port (tests).
      // Ports below 1024 need root or CAP_NET_BIND_SERVICE.
      port: leaf(z.int().min(0).max(65535).default(defaultPort), 'an integer from 0 to 65535'),
      // Default true. A disabled listener opens no socket at all, which is the surest way to close
      // a protocol (e.g. POP3) for everyone; per-account switches are in the accounts' policies.
      enabled: leaf(z.boolean().default(true), 'true or false'),
    })
    .strict()
    .prefault({});
}

const listenersShape = Object.fromEntries(
  LISTENER_NAMES.map((name) => [name, listenerSchema(LISTENER_DEFAULT_PORTS[name])]),
) as { [N in ListenerName]: ReturnType<typeof listenerSchema> };

/**
 * Mailward's configuration. Every object is strict: an unknown key is an error, because a typo
 * such as `enabeld = false` must not silently leave a door open. Nested tables use `.prefault({})`
 * so their defaults fill key by key when a file sets only part of a table.
 */
export const CONFIG_SCHEMA = z
  .object({
    // Default "localhost". The server's name in SMTP/IMAP/POP3 greetings, in Received headers and
    // in the self-signed certificate. Other mail servers check it against reverse DNS, so a real
    // deployment must set its public name (e.g. "mail.example.org").
    hostname: leaf(z.string().refine(isHostname).default('localhost'), 'a DNS host name such as "mail.example.org"'),

    database: z
      .object({
        // Default "": the embedded SQLite database at <data>/mailward.db, readable by whoever can
        // read the data directory. Otherwise a postgres:// or postgresql:// URL. It usually holds a
        // password, so it is never echoed: error messages and logs show "postgres://user:***@host".
        url: leaf(
          z
            .string()
            .refine((url) => url === '' || url.startsWith('postgres://') || url.startsWith('postgresql://'))
            .default(''),
          '"" (embedded SQLite) or a URL starting with postgres:// or postgresql://',
          { secret: true },
        ),
        // Default 10. Connections kept open to PostgreSQL (ignored for SQLite). Capped at 100 so a
        // typo cannot exhaust the database server's max_connections.
        pool_size: leaf(z.int().min(1).max(100).default(10), 'an integer from 1 to 100'),
      })
      .strict()
      .prefault({}),

    blobs: z
      .object({
        // Default "auto": message bodies go to files under <data>/blobs on SQLite, and into the
        // database with PostgreSQL (so several nodes see the same mail). "fs" with PostgreSQL is
        // only safe if every node shares the data directory. "postgres" needs database.url.
        store: leaf(z.enum(BLOB_STORES).default('auto'), `one of ${BLOB_STORES.join(', ')}`),
      })
      .strict()
      .prefault({}),

    tls: z
      .object({
        // Default "" for both: a self-signed certificate for `hostname` is generated into
        // <data>/tls/. Clients will warn about it, so production sets both to a real certificate
        // chain (PEM) and its private key. The key file should be readable only by Mailward.
        // Both files are reloaded when they change (e.g. a certbot renewal), without a restart.
        cert_file: leaf(z.string().default(''), 'a path to a PEM certificate chain, or "" for self-signed'),
        key_file: leaf(z.string().default(''), 'a path to a PEM private key, or "" for self-signed'),
      })
      .strict()
      .prefault({}),

    // Each listener defaults to 127.0.0.1 on its development port, enabled.
    listeners: z.object(listenersShape).strict().prefault({}),

    log: z
      .object({
        // Default "info". "debug" and "trace" log protocol detail (commands, not secrets: passwords
        // and tokens are redacted at every level) and grow the log quickly.
        level: leaf(z.enum(LOG_LEVELS).default('info'), `one of ${LOG_LEVELS.join(', ')}`),
      })
      .strict()
      .prefault({}),

    // Limits and timeouts of the three SMTP doors, and who the MX trusts: see smtp-schema.ts.
    smtp: SMTP_SCHEMA,

    imap: z
      .object({
        // Default false: LOGIN and AUTHENTICATE are refused (LOGINDISABLED) before STARTTLS on
        // port 143, so a password never crosses the network in clear text. Loopback tests only.
        allow_plaintext_auth: leaf(z.boolean().default(false), 'true or false'),
        // Default 20. Live IMAP connections one account may hold on this node (a phone, a laptop
        // and a desktop client each open several); more get NO [LIMIT] at login.
        max_connections_per_account: leaf(z.int().min(1).max(10_000).default(20), 'an integer from 1 to 10000'),
        // Default 100. Connections from one IP address (IPv6: one /64) before login or after;
        // bounds what one host can make us hold.
        max_connections_per_ip: leaf(z.int().min(1).max(100_000).default(100), 'an integer from 1 to 100000'),
        // Default 60. Seconds a connection may stay unauthenticated, so idle sockets of scanners
        // do not pile up.
        login_timeout_seconds: leaf(z.int().min(5).max(3600).default(60), 'an integer from 5 to 3600'),
        // Default 30 (RFC 9051 §5.4 minimum). Minutes of silence before an authenticated
        // connection is logged out; IDLE counts as silence too and clients re-issue it earlier.
        autologout_minutes: leaf(z.int().min(30).max(1440).default(30), 'an integer from 30 to 1440'),
      })
      .strict()
      .prefault({}),

    pop3: z
      .object({
        // Default false: USER/PASS and AUTH are refused before STLS on port 110.
        allow_plaintext_auth: leaf(z.boolean().default(false), 'true or false'),
        // Default 60. Seconds a connection may stay unauthenticated.
        login_timeout_seconds: leaf(z.int().min(5).max(3600).default(60), 'an integer from 5 to 3600'),
        // Default 10 (RFC 1939 §3 minimum). Minutes of silence before a session is closed
        // (without deleting anything: deletions happen only at QUIT).
        autologout_minutes: leaf(z.int().min(10).max(1440).default(10), 'an integer from 10 to 1440'),
        // Default 100. Connections from one IP address (IPv6: one /64).
        max_connections_per_ip: leaf(z.int().min(1).max(100_000).default(100), 'an integer from 1 to 100000'),
      })
      .strict()
      .prefault({}),

    outbound: z
      .object({
        // Default "": the `hostname` key. The name sent with EHLO to other servers, which many
        // compare with the connecting address's reverse DNS.
        helo_name: leaf(z.string().refine((name) => name === '' || isHostname(name)).default(''), '"" (use hostname) or a DNS host name'),
        // Default 25, the port every MX listens on (RFC 5321 §4.5.4). Only tests and unusual
        // networks change it; it does not apply to the smarthost.
        port: leaf(z.int().min(1).max(65535).default(25), 'an integer from 1 to 65535'),
        // Default false: STARTTLS is used whenever an MX offers it, without checking its
        // certificate (RFC 7435 opportunistic TLS), and mail goes in plain text to one that does
        // not. true: mail to an MX without STARTTLS stays queued (and bounces after 5 days).
        require_tls: leaf(z.boolean().default(false), 'true or false'),
        // Default 8. SMTP transactions one node runs at the same time; each is one connection.
        concurrency: leaf(z.int().min(1).max(256).default(8), 'an integer from 1 to 256'),
        // Default 30. Seconds to wait for a TCP connection to a remote host before trying the next one.
        connect_timeout_seconds: leaf(z.int().min(1).max(600).default(30), 'an integer from 1 to 600'),
        smarthost: z
          .object({
            // Default "": no smarthost, mail goes to each domain's MX hosts. Set it to relay all
            // outgoing mail through one server (your provider's, or a filtering relay).
            host: leaf(z.string().default(''), '"" (deliver by MX) or a host name or IP address'),
            // Default 0: 465 with tls = "implicit", 587 otherwise.
            port: leaf(z.int().min(0).max(65535).default(0), 'an integer from 0 to 65535 (0: 587, or 465 with implicit TLS)'),
            // Default "starttls", required: the relay gets all our mail and our password, so its
            // certificate is always verified, and "none" is only for a relay on the same host.
            tls: leaf(z.enum(SMARTHOST_TLS_MODES).default('starttls'), `one of ${SMARTHOST_TLS_MODES.join(', ')}`),
            // Default "": no AUTH. With a username, a password is required.
            username: leaf(z.string().default(''), 'a user name, or "" for no authentication'),
            // Default "". A credential: prefer MAILWARD_OUTBOUND_SMARTHOST_PASSWORD over the file;
            // it is never logged and masked in every error message.
            password: leaf(z.string().default(''), 'the password for username', { secret: true }),
            // Default "": the system's certificate authorities. A PEM file to trust instead, for a
            // relay with a private CA or a self-signed certificate.
            ca_file: leaf(z.string().default(''), 'a path to a PEM file, or "" for the system CAs'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),

    geoip: z
      .object({
        // Default "": no database; login records show "Unknown" for public addresses (and "Local
        // network" for private and loopback ones). Otherwise the path of a MaxMind DB file
        // (GeoLite2-City.mmdb, GeoIP2-City.mmdb or -Country), read once at start; lookups are
        // offline, no address ever leaves the server. The file is not updated by Mailward.
        database: leaf(z.string().default(''), 'a path to a MaxMind DB (.mmdb) file, or "" for none'),
      })
      .strict()
      .prefault({}),

    web: z
      .object({
        // Default "": https://<hostname>, with the https listener's port unless it is 443. The
        // address users open the webmail at; links in mail (password reset, alternate-email
        // verification) start with it. It is never taken from a request's Host header, which anyone
        // can set: a reset link pointing at an attacker's host would hand them the token.
        public_url: leaf(
          z
            .string()
            .default('')
            .refine((value) => value === '' || /^https?:\/\/[^/?#\s]+$/.test(value), 'an origin such as https://mail.example.org, with no path'),
          'an origin such as "https://mail.example.org" (no path), or "" for https://<hostname>',
        ),
      })
      .strict()
      .prefault({}),

    cache: z
      .object({
        // Default 32. Megabytes of recently read message bodies (each up to 128 KiB) kept in memory
        // by each serve process: a client that reads the same mail again costs no store read. 0
        // turns it off. Sized for the process, not per user: it helps a server with thousands of
        // users as much as its size allows, and never grows past it.
        body_cache_mb: leaf(z.int().min(0).max(4096).default(32), 'an integer from 0 to 4096'),
        // No longer used: IMAP FETCH reads ENVELOPE and BODYSTRUCTURE text stored with each message
        // at delivery, so nothing is rendered to cache. Still accepted, so configuration files that
        // set it keep loading.
        structure_cache_mb: leaf(z.int().min(0).max(4096).default(16), 'an integer from 0 to 4096'),
      })
      .strict()
      .prefault({}),

    server: z
      .object({
        // Default 1. The number of `serve` processes on this data directory, sharing every
        // listening socket (node:cluster): a machine's cores all serve mail, and one crashing
        // process takes only its own connections with it. They share the database and its state
        // (throttles, locks, sessions) and hear each other's events (IDLE, live updates).
        workers: leaf(z.int().min(1).max(64).default(1), 'an integer from 1 to 64'),
      })
      .strict()
      .prefault({}),

    shutdown: z
      .object({
        // Default 10. On SIGTERM, `serve` stops accepting connections and waits this long for
        // in-flight work (a message being delivered, a transaction) before closing sockets. Capped
        // at 600 so a stuck client cannot hold a restart hostage.
        grace_seconds: leaf(z.int().min(1).max(600).default(10), 'an integer from 1 to 600'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    // A certificate without its key (or the reverse) cannot be served; falling back to a
    // self-signed certificate would hide the mistake, so it is an error.
    const { cert_file: cert, key_file: key } = config.tls;
    if ((cert === '') !== (key === '')) {
      const [missing, other] = cert === '' ? ['cert_file', 'key_file'] : ['key_file', 'cert_file'];
      ctx.addIssue({
        code: 'custom',
        path: ['tls', missing],
        message: `must be set together with tls.${other} (or leave both empty for a self-signed certificate)`,
        params: { crossField: true },
      });
    }
    const relay = config.outbound.smarthost;
    if ((relay.username === '') !== (relay.password === '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['outbound', 'smarthost', relay.username === '' ? 'username' : 'password'],
        message: 'must be set together with the smarthost username and password (or leave both empty for no authentication)',
        params: { crossField: true },
      });
    }
    if (relay.username !== '' && relay.tls === 'none') {
      // AUTH over a plain connection hands the password to anyone on the path.
      ctx.addIssue({
        code: 'custom',
        path: ['outbound', 'smarthost', 'tls'],
        message: '"none" cannot be used with a username: the password would cross the network in clear text',
        params: { crossField: true },
      });
    }
    if (config.blobs.store === 'postgres' && config.database.url === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['blobs', 'store'],
        message: '"postgres" needs database.url to be a postgres:// URL (use "auto" or "fs" with the embedded SQLite database)',
        params: { crossField: true },
      });
    }
  });

export type MailwardConfig = z.infer<typeof CONFIG_SCHEMA>;
