// The plain settings outbound delivery runs with (the composition root fills them from the `outbound` config table).

/** How the smarthost connection is protected: STARTTLS (required), TLS from the first byte, or none. */
export type SmarthostTLS = 'starttls' | 'implicit' | 'none';

export interface SmarthostSettings {
  host: string;
  port: number;
  tls: SmarthostTLS;
  /** Empty: no AUTH. */
  username: string;
  /** A credential: never logged, masked in every error text that leaves the SMTP client. */
  password: string;
  /** Extra PEM certificates to trust for the smarthost (a private CA or its self-signed certificate). */
  ca?: string;
}

export interface OutboundSettings {
  /** This server's name: the Reporting-MTA of DSNs and the domain of MAILER-DAEMON@. */
  hostname: string;
  /** The name sent with EHLO. */
  heloName: string;
  /** The port of MX hosts (25; tests point it at a loopback server). */
  port: number;
  /** Never deliver to an MX without STARTTLS (mail waits in the queue instead). */
  requireTLS: boolean;
  /** SMTP transactions one worker runs at the same time. */
  concurrency: number;
  connectTimeoutMs: number;
  /** Everything goes to this relay when set; MX lookup otherwise. */
  smarthost: SmarthostSettings | null;
}

/** The structured logger outbound code writes to (pino fits); never handed a password. */
export interface OutboundLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
