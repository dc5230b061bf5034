// Refuses mail on the MX that claims one of our own domains without proof: a DKIM signature of that domain, a trusted relay, or the domain's own opt-out.
import net from 'node:net';
import { MailwardError } from '../errors/index.js';
import { normalizeDomain } from '../lib/index.js';
import { parseAddressList, readHeaderBlock } from '../mailbox/mime/index.js';

/** What the check needs to know about our domains and the connecting client. */
export interface LocalSenderPolicy {
  /** True when mail for this (normalised) domain is ours. */
  isLocalDomain(domain: string): Promise<boolean>;
  /** Policy `smtp.allow_unauthenticated_local_senders` of that domain. */
  allowsUnauthenticated(domain: string): Promise<boolean>;
  /** True when the client is listed in `smtp.trusted_relays`. */
  isTrustedRelay(ip: string): boolean;
}

export interface LocalSenderClaim {
  raw: Buffer;
  /** The envelope sender; '' for a bounce, which claims no domain. */
  mailFrom: string;
  remoteIp: string;
  /** The domains of the DKIM signatures that verified (d=), as sender authentication found them. */
  dkimPassed: readonly string[];
}

/** A domain in its stored form, or undefined when it cannot be one of ours anyway. */
function domainOf(host: string): string | undefined {
  try {
    return normalizeDomain(host);
  } catch {
    return undefined;
  }
}

/**
 * The domains a message claims to come from: the envelope sender's and every From field's (a
 * second From, which RFC 5322 forbids, is shown by some readers instead of the first).
 */
function claimedDomains(raw: Buffer, mailFrom: string): string[] {
  const hosts: string[] = [];
  if (mailFrom.includes('@')) hosts.push(mailFrom.slice(mailFrom.lastIndexOf('@') + 1));
  for (const field of readHeaderBlock(raw, 0).fields) {
    if (field.name.toLowerCase() !== 'from') continue;
    for (const address of parseAddressList(field.value)) if (address.host) hosts.push(address.host);
  }
  const domains = hosts.map(domainOf).filter((d): d is string => d !== undefined);
  return [...new Set(domains)];
}

/**
 * Throws FORBIDDEN (550 5.7.1) when the message names one of our domains as its sender, in the
 * envelope or in From:, and nothing vouches for it. Our own users send through submission, which
 * checks who may send as whom; on the MX, such a claim is what a forger makes to be trusted as a
 * colleague, and DMARC cannot be relied on to stop it (most small domains publish no p=reject, and
 * DNS may be down). A valid DKIM signature of that very domain proves it (our outbound mail carries
 * one), whatever DNS says of SPF or DMARC.
 */
export async function checkLocalSenderClaims(policy: LocalSenderPolicy, claim: LocalSenderClaim): Promise<void> {
  if (policy.isTrustedRelay(claim.remoteIp)) return;
  const signed = new Set(claim.dkimPassed.map((d) => domainOf(d)).filter((d) => d !== undefined));
  for (const domain of claimedDomains(claim.raw, claim.mailFrom)) {
    if (signed.has(domain) || !(await policy.isLocalDomain(domain))) continue;
    if (await policy.allowsUnauthenticated(domain)) continue;
    throw new MailwardError('FORBIDDEN', {
      message: `sender claims local domain ${domain} without authentication`,
      details: { smtp: { code: 550, enhanced: '5.7.1', text: `Sender address of local domain ${domain} is not authenticated` } },
    });
  }
}

/** `smtp.trusted_relays` as a matcher of client addresses (IPv4-mapped IPv6 included). */
export function trustedRelayMatcher(networks: readonly string[]): (ip: string) => boolean {
  if (networks.length === 0) return () => false;
  const list = new net.BlockList();
  for (const entry of networks) {
    const [address = '', prefix] = entry.split('/');
    const type = net.isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (ip) => {
    const family = net.isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
}
