// Every admin policy key: its type (zod), default and meaning. Later features add their keys here.
import { z } from 'zod';

export const PASSWORD_STRENGTH_LEVELS = ['none', 'medium', 'strong', 'very_strong'] as const;
export type PasswordStrengthLevel = (typeof PASSWORD_STRENGTH_LEVELS)[number];

interface PolicyDefinition<T extends z.ZodType> {
  schema: T;
  default: z.infer<T>;
  /** One line for `policy get` and docs: what it does and why the default is what it is. */
  description: string;
}

function define<T extends z.ZodType>(definition: PolicyDefinition<T>): PolicyDefinition<T> {
  return definition;
}

const count = z.number().int().min(0).max(1_000_000_000);

export const POLICIES = {
  'password.strength': define({
    schema: z.enum(PASSWORD_STRENGTH_LEVELS),
    default: 'medium',
    description:
      'Minimum password strength: none (1 char), medium (8 chars, 2 classes), strong (8, 3), very_strong (14, 3); above none, common passwords and ones containing the account name are refused.',
  }),
  'password.hints_enabled': define({
    schema: z.boolean(),
    default: false,
    description:
      'Let users set a password hint shown after a failed web sign-in. Off by default: NIST SP 800-63B advises against hints readable before sign-in.',
  }),
  'security_code.enabled': define({
    schema: z.boolean(),
    default: false,
    description: 'Require a personal security code to change the password or the auto-forwarding list.',
  }),
  'auth.max_failures': define({
    schema: z.number().int().min(1).max(1000),
    default: 5,
    description: 'Failed sign-ins per account and client address in 15 minutes before that pair is throttled.',
  }),
  'auth.max_failures_per_network': define({
    schema: z.number().int().min(1).max(1_000_000),
    default: 100,
    description: 'Failed sign-ins in 15 minutes from one network (IPv4 /24, IPv6 /56) across all accounts before it is throttled (stops password spraying).',
  }),
  'auth.require_app_passwords': define({
    schema: z.boolean(),
    default: false,
    description: 'Mail clients (SMTP, IMAP, POP3) must sign in with app passwords, never the account password.',
  }),
  'auth.require_2fa': define({
    schema: z.boolean(),
    default: false,
    description:
      'Every account must turn on two-factor sign-in; after auth.require_2fa_grace_days, web sign-in leads straight to enrolment. Off by default: the admin decides when users are ready.',
  }),
  'auth.require_2fa_grace_days': define({
    schema: z.number().int().min(0).max(365),
    default: 14,
    description:
      'Days an account may still sign in without two-factor once auth.require_2fa applies to it (counted from when the policy was set, or from account creation if later); 0 = enrol at the next sign-in.',
  }),
  'session.idle_minutes': define({
    schema: z.number().int().min(1).max(24 * 60),
    default: 30,
    description:
      'A web session with no request for this many minutes ends ("Operation timed out"): a browser left open on a shared desk does not stay signed in.',
  }),
  'session.max_hours': define({
    schema: z.number().int().min(1).max(24 * 30),
    default: 12,
    description: 'A web session ends this many hours after sign-in however active it is, so a stolen session cookie stops working.',
  }),
  'devices.trust_days': define({
    schema: z.number().int().min(1).max(3650),
    default: 90,
    description: 'A device marked "This is my trusted device" skips the second factor for this many days, or until it is removed or the password changes.',
  }),
  'auth.require_2fa_grace_logins': define({
    schema: z.number().int().min(0).max(10_000),
    default: 0,
    description:
      'Web sign-ins an account may still make without two-factor once auth.require_2fa applies to it; 0 = no count, only auth.require_2fa_grace_days. When both are set, whichever ends first ends the grace.',
  }),
  'backup_codes.rotate_days': define({
    schema: z.number().int().min(0).max(3650),
    default: 180,
    description: 'Remind users to make new backup codes when their set is older than this many days (0 = only when 3 or fewer are left).',
  }),
  'limits.smtp.messages_per_hour': define({
    schema: count,
    default: 0,
    description: 'Messages an account may submit per hour; crossing it disables the account (0 = no limit).',
  }),
  'limits.smtp.messages_per_day': define({
    schema: count,
    default: 0,
    description: 'Messages an account may submit per day; crossing it disables the account (0 = no limit).',
  }),
  'limits.pop3.messages_per_day': define({
    schema: count,
    default: 0,
    description: 'Messages an account may download by POP3 per day; crossing it disables the account (0 = no limit).',
  }),
  'smtp.dmarc_enforce': define({
    schema: z.boolean(),
    default: true,
    description:
      'Refuse inbound mail (550 5.7.1) that fails DMARC when the sender domain publishes p=reject. On by default: that is what the domain owner asked for, and it stops spoofed senders; turn it off per domain only to accept broken forwarders.',
  }),
  'smtp.allow_unauthenticated_local_senders': define({
    schema: z.boolean(),
    default: false,
    description:
      'Accept mail on the MX that claims this domain (MAIL FROM or From:) without a DKIM signature of it and not from a trusted relay (smtp.trusted_relays). Off by default: such mail is refused with 550 5.7.1, since anyone can write a colleague\'s address and the recipient would trust it; turn it on only for a forwarding setup that hands such mail back unsigned.',
  }),
  'limits.forwarding.messages_per_day': define({
    schema: count,
    default: 1000,
    description: 'Messages an account may auto-forward per day; past it, mail is kept in the inbox instead of forwarded (0 = no limit).',
  }),
  'login_records.retention_days': define({
    schema: z.number().int().min(1).max(3650),
    default: 180,
    description: 'Days login records are kept before pruning.',
  }),
} as const;

export type PolicyKey = keyof typeof POLICIES;
export type PolicyValue<K extends PolicyKey> = z.infer<(typeof POLICIES)[K]['schema']>;

export function isPolicyKey(key: string): key is PolicyKey {
  return Object.hasOwn(POLICIES, key);
}
