// What every leaf key of the configuration schema is built with: its expected form in words, and the checks several tables share.
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The expected form of each leaf key, in words, for one-line error messages ("expected an integer
 * from 0 to 65535"). Kept beside the schema so a new key cannot be added without saying what it takes.
 */
export const CONFIG_EXPECTED_FORMS = z.registry<ConfigLeafMeta>();

export interface ConfigLeafMeta {
  /** The expected form in words, completing "expected …". */
  expected: string;
  /** The value may hold a credential: messages show it only with passwords masked. */
  secret?: boolean;
}

/** Registers `schema` as a leaf key with its expected form and returns it. */
export function leaf<T extends z.ZodType>(schema: T, expected: string, options: { secret?: boolean } = {}): T {
  CONFIG_EXPECTED_FORMS.add(schema, { expected, ...options });
  return schema;
}

/**
 * RFC 1123 host name: dot-separated labels of 1–63 letters, digits and hyphens, not starting or
 * ending with a hyphen, at most 253 characters. No trailing dot: the name goes verbatim into the
 * SMTP greeting and the certificate, where "mail.example.org." would be a different name.
 */
const HOSTNAME_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** True when `name` is a DNS host name (and not an IPv4 address, whose last label is all digits). */
export function isHostname(name: string): boolean {
  return HOSTNAME_PATTERN.test(name) && !/(?:^|\.)\d+$/.test(name);
}

/** An IP address or a network in CIDR notation: "192.0.2.7", "198.51.100.0/24", "2001:db8::/32". */
export function isNetwork(text: string): boolean {
  const [address = '', prefix, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** A list of addresses and networks (at most 1000), e.g. smtp.trusted_relays. */
export function networkList(): z.ZodDefault<z.ZodArray<z.ZodString>> {
  return leaf(
    z
      .array(z.string())
      .max(1000)
      .refine((list) => list.every(isNetwork))
      .default([]),
    'a list of IP addresses and networks, e.g. ["192.0.2.7", "198.51.100.0/24"] (comma-separated in the environment)',
  );
}
