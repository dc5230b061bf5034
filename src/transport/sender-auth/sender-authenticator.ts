// Checks SPF, DKIM, DMARC and ARC of inbound mail with mailauth, writes our Authentication-Results header, and says when DMARC asks us to refuse.
import { randomInt } from 'node:crypto';
import type { AuthenticateResult, DMARCResult } from 'mailauth';
import type { DNSResolver } from '../dns/dns-resolver.js';
import { formatAuthenticationResults, stripForgedAuthResults } from './authentication-results.js';
import type { MailauthResolver } from './mailauth-resolver.js';
import { toMailauthResolver } from './mailauth-resolver.js';

export interface SenderAuthVerdicts {
  /** pass | fail | softfail | neutral | none | temperror | permerror */
  spf: string;
  /** One entry per DKIM signature (none when the message is unsigned). */
  dkim: Array<{ domain: string; result: string }>;
  dmarc: { result: string; policy: string | null; domain: string | null };
  arc: string;
}

export interface SenderAuthReject {
  code: 550;
  enhanced: '5.7.1';
  message: string;
}

export interface SenderAuthResult {
  /** "Authentication-Results: <hostname>; spf=…; dkim=…; dmarc=…; arc=…", folded, CRLF-terminated: prepend it. */
  header: string;
  verdicts: SenderAuthVerdicts;
  /** Set only for DMARC fail under p=reject while enforcement is on. */
  reject?: SenderAuthReject;
}

export interface SenderAuthCheck {
  raw: Buffer;
  /** The connecting client's address (IPv4-mapped IPv6 is understood). */
  ip: string;
  helo: string;
  /** The envelope sender; '' for a bounce (SPF then checks the HELO name, RFC 7208 §2.4). */
  mailFrom: string;
  /** Our name: the authserv-id of the header we write. */
  hostname: string;
  /** Policy `smtp.dmarc_enforce` of the recipients' domain(s), read by the caller. */
  dmarcEnforce?: boolean;
  /** Without `dmarcEnforce`: the recipients' domains, passed to `deps.dmarcEnforce`. */
  recipientDomains?: string[];
}

export interface SenderAuthenticatorDeps {
  resolver: DNSResolver;
  /**
   * Asked when a check names recipient domains instead of `dmarcEnforce` (e.g. from
   * PolicyService: true when any recipient domain enforces). Without it, enforcement is on, the
   * policy's default.
   */
  dmarcEnforce?: (recipientDomains: string[]) => Promise<boolean>;
  /** 0–99 for DMARC pct= sampling (RFC 7489 §6.6.4); crypto.randomInt by default. */
  randomPercent?: () => number;
}

const SAFE = /[^\x21-\x7e]/g;

/** A From domain's text for a reply line: printable ASCII only, bounded. */
function replySafe(text: string): string {
  return text.replace(SAFE, '').slice(0, 255);
}

function temperror(hostname: string, reason: string): SenderAuthResult {
  const comment = `(${replySafe(reason).replace(/[()\\]/g, '')})`;
  return {
    header: formatAuthenticationResults(hostname, [`spf=temperror ${comment}`, 'dkim=temperror', 'dmarc=temperror', 'arc=temperror']),
    verdicts: { spf: 'temperror', dkim: [], dmarc: { result: 'temperror', policy: null, domain: null }, arc: 'temperror' },
  };
}

/**
 * mailauth skips DMARC when From holds several addresses, so adding a second From would dodge a
 * p=reject. RFC 7489 §6.6.1 lets a receiver apply DMARC to each author domain: we do, and keep the
 * strictest outcome (a failure under p=reject first).
 */
async function dmarcForEveryAuthor(result: AuthenticateResult, resolver: MailauthResolver): Promise<DMARCResult | false> {
  const authors = result.dkim.headerFrom ?? [];
  if (result.dmarc || authors.length < 2) return result.dmarc;
  const domains = [...new Set(authors.map((a) => (a.split('@').pop() ?? '').toLowerCase()).filter((d) => d !== ''))];
  const spfDomains = result.spf && result.spf.status.result === 'pass' ? [result.spf.domain] : [];
  const dkimDomains = result.dkim.results
    .filter((r) => r.status.result === 'pass')
    .map((r) => ({ id: r.id, domain: r.signingDomain, aligned: Boolean(r.status.aligned), underSized: Boolean(r.status.underSized) }));
  const outcomes: DMARCResult[] = [];
  for (const domain of domains) {
    const { dmarc: checkDMARC } = await import('mailauth');
    const outcome = await checkDMARC({ headerFrom: `postmaster@${domain}`, spfDomains, dkimDomains, ...(result.arc ? { arcResult: result.arc } : {}), resolver });
    if (outcome) outcomes.push(outcome);
  }
  const failed = outcomes.filter((o) => o.status.result === 'fail');
  return failed.find((o) => o.policy === 'reject') ?? failed[0] ?? outcomes[0] ?? false;
}

export class SenderAuthenticator {
  readonly #resolver: MailauthResolver;

  constructor(private readonly deps: SenderAuthenticatorDeps) {
    this.#resolver = toMailauthResolver(deps.resolver);
  }

  /** Removes incoming Authentication-Results that claim to be ours (RFC 8601 §5); run it before storing. */
  stripForged(raw: Buffer, hostname: string): Buffer {
    return stripForgedAuthResults(raw, hostname);
  }

  /**
   * Verifies the message as received. DNS trouble gives temperror results, never an exception:
   * the message is then accepted without a DMARC refusal (a sender's broken DNS must not make us
   * refuse mail permanently).
   */
  async check(input: SenderAuthCheck): Promise<SenderAuthResult> {
    let result: AuthenticateResult;
    let dmarc: DMARCResult | false;
    try {
      const { authenticate } = await import('mailauth');
      result = await authenticate(input.raw, {
        ip: input.ip,
        helo: input.helo,
        sender: input.mailFrom,
        mta: input.hostname,
        resolver: this.#resolver,
        // BIMI fetches logos and certificates over HTTPS: not for the SMTP path.
        disableBimi: true,
      });
      dmarc = await dmarcForEveryAuthor(result, this.#resolver);
    } catch (error) {
      return temperror(input.hostname, error instanceof Error ? error.message : 'authentication failed');
    }

    const signatures = result.dkim.results.filter((r) => r.signingDomain);
    const arcResult = result.arc ? result.arc.status.result : 'none';
    const verdicts: SenderAuthVerdicts = {
      spf: result.spf ? result.spf.status.result : 'none',
      dkim: signatures.map((r) => ({ domain: r.signingDomain, result: r.status.result })),
      dmarc: dmarc
        ? { result: dmarc.status.result, policy: dmarc.policy ?? null, domain: dmarc.domain ?? null }
        : { result: 'none', policy: null, domain: null },
      arc: arcResult,
    };
    const header = formatAuthenticationResults(input.hostname, [
      result.spf ? result.spf.info : 'spf=none',
      ...(result.dkim.results.length > 0 ? result.dkim.results.map((r) => r.info) : ['dkim=none']),
      dmarc ? dmarc.info : 'dmarc=none',
      result.arc && result.arc.info ? result.arc.info : `arc=${arcResult}`,
    ]);

    if (dmarc && dmarc.status.result === 'fail' && dmarc.policy === 'reject' && this.#sampled(dmarc) && (await this.#enforce(input))) {
      const domain = replySafe(String(dmarc.status.header?.from ?? dmarc.domain ?? ''));
      return {
        header,
        verdicts,
        reject: { code: 550, enhanced: '5.7.1', message: `Message rejected: the DMARC policy of ${domain} (p=reject) asks to refuse mail that fails its checks` },
      };
    }
    return { header, verdicts };
  }

  /** pct=N applies the policy to N% of failing mail; the rest is merely reported. */
  #sampled(dmarc: DMARCResult): boolean {
    const pct = dmarc.pct;
    if (pct === undefined || pct === null || !Number.isFinite(Number(pct)) || Number(pct) >= 100) return true;
    return (this.deps.randomPercent ?? (() => randomInt(100)))() < Number(pct);
  }

  async #enforce(input: SenderAuthCheck): Promise<boolean> {
    if (input.dmarcEnforce !== undefined) return input.dmarcEnforce;
    if (this.deps.dmarcEnforce) return this.deps.dmarcEnforce(input.recipientDomains ?? []);
    return true;
  }
}
