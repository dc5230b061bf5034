// The one typed catalogue of domain events, and the EventBus that carries them (a doorbell, never the record).

export type Protocol = 'web' | 'smtp' | 'imap' | 'pop3';

interface EventBase {
  /** Epoch ms. */
  at: number;
}

export type MailwardEvent = EventBase &
  (
    | {
        type: 'LoginSucceeded';
        accountId: number;
        address: string;
        protocol: Protocol;
        ip: string;
        client: string;
        credential: 'password' | 'app_password' | 'passkey';
        /** First success from this IP in the look-back window. */
        newIp: boolean;
        /** First success with this client name on this protocol in the look-back window. */
        newClient: boolean;
        /** The second factor that completed a web sign-in, when the account has two-factor sign-in. */
        secondFactor?: 'totp' | 'backup_code' | 'passkey' | 'trusted_device';
        /** The device (see Devices) this sign-in came from, when known. */
        deviceId?: string;
        /** First sign-in ever of this device for this account. */
        newDevice?: boolean;
        /** Where the sign-in came from (GeoIP), e.g. "Taipei, Taiwan", "Local network", "Unknown". */
        location?: string;
      }
    | {
        type: 'LoginFailed';
        accountId: number | null;
        username: string;
        protocol: Protocol;
        ip: string;
        client: string;
        reason: string;
      }
    | { type: 'LoginFailureBurst'; accountId: number; address: string; ip: string; failures: number }
    | { type: 'PasswordChanged'; accountId: number; address: string; actor: string }
    | { type: 'SecurityCodeChanged'; accountId: number; address: string }
    | { type: 'ServicesChanged'; accountId: number; address: string; services: Record<'smtp' | 'imap' | 'pop3', boolean> }
    | { type: 'AppPasswordCreated'; accountId: number; address: string; appPasswordId: number; name: string }
    | { type: 'AppPasswordRevoked'; accountId: number; address: string; appPasswordId: number }
    | { type: 'TwoFactorEnabled'; accountId: number; address: string; actor: string }
    | {
        type: 'TwoFactorDisabled';
        accountId: number;
        address: string;
        actor: string;
        /** 'user': turned off with password and second factor; 'admin_reset': `mailward user 2fa ADDRESS reset`. */
        how: 'user' | 'admin_reset';
      }
    | { type: 'BackupCodesRegenerated'; accountId: number; address: string; actor: string; count: number }
    | {
        /** The account's backup code set is older than backup_codes.rotate_days (published once per set). */
        type: 'BackupCodesAging';
        accountId: number;
        address: string;
        createdAt: number;
        remaining: number;
      }
    | { type: 'BackupCodeUsed'; accountId: number; address: string; ip: string; remaining: number }
    | { type: 'AccountDisabled'; accountId: number; address: string; reason: string }
    | {
        /** Every session of one device was revoked (the device log's Force logout, or the CLI). */
        type: 'DeviceLoggedOut';
        accountId: number;
        address: string;
        deviceId: string;
        actor: string;
      }
    | { type: 'DeviceTrusted'; accountId: number; address: string; deviceId: string }
    | { type: 'DeviceRemoved'; accountId: number; address: string; deviceId: string; actor: string }
    | { type: 'AccountEnabled'; accountId: number; address: string }
    | {
        /** The verified alternate email (recovery and security notices) was set, replaced or removed. */
        type: 'AlternateEmailChanged';
        accountId: number;
        address: string;
        /** The verified alternate address now, or null when it was removed. */
        alternate: string | null;
        /** The verified alternate address before, if there was one (it is told of the change too). */
        previous: string | null;
        actor: string;
      }
    | {
        /** A doorbell: read the mailbox's change journal from your last MODSEQ. */
        type: 'MailboxChanged';
        accountId: number;
        mailboxId: number;
        modseq: number;
      }
    | { type: 'MessageDelivered'; accountId: number; mailboxId: number; uid: number; size: number }
    | {
        type: 'SessionsRevoked';
        accountId: number;
        /** 'all': every session; 'password': protocol sessions signed in with the account password. */
        scope: 'all' | 'password';
        /** A session to keep (the one that made the change), if any. */
        exceptSessionId?: string;
      }
  );

export type MailwardEventType = MailwardEvent['type'];
export type EventOf<T extends MailwardEventType> = Extract<MailwardEvent, { type: T }>;

export interface SubscribeOptions {
  /** Only these types; all when absent. */
  types?: MailwardEventType[];
  /**
   * 'any' (the default): events published in this process and in the other processes of the same
   * server (a doorbell: IDLE, live updates, revocations). 'local': only this process's own, for
   * work that must happen once per event however many processes hear it (an alert mail).
   */
  origin?: 'local' | 'any';
}

export interface EventBus {
  publish(event: MailwardEvent): Promise<void>;
  /** Calls `handler` for every event (or only the named types); returns an unsubscribe function. */
  subscribe(handler: (event: MailwardEvent) => void, options?: SubscribeOptions): () => void;
  close(): Promise<void>;
}

/**
 * How a bus reaches the other processes of one server: `send` hands an event published here to
 * them, and `onReceive` is called with each event published there.
 */
export interface EventLink {
  send(event: MailwardEvent): void;
  onReceive(handler: (event: MailwardEvent) => void): void;
  close?(): void;
}
