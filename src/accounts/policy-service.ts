// Reads and writes typed admin policies: a domain's own value, else the global one, else the default.
import { MailwardError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import { GLOBAL_SCOPE, domainScope } from '../store/index.js';
import { normalizeDomain } from '../lib/address.js';
import type { PolicyKey, PolicyValue } from './policy-schema.js';
import { POLICIES, isPolicyKey } from './policy-schema.js';

export interface PolicyEntry {
  key: PolicyKey;
  value: unknown;
  /** Where the value comes from. */
  source: 'default' | 'global' | `domain:${string}`;
  description: string;
}

function unknownKey(key: string): MailwardError {
  return new MailwardError('NOT_FOUND', {
    message: `unknown policy key "${key.slice(0, 80)}"; known keys: ${Object.keys(POLICIES).join(', ')}`,
  });
}

/** Turns CLI text into a value of the key's type: "on"/"off"/"true"/"false", integers, or the text itself. */
export function parsePolicyText(key: string, text: string): unknown {
  if (!isPolicyKey(key)) throw unknownKey(key);
  const schema = POLICIES[key].schema;
  const candidates: unknown[] = [text];
  if (/^-?\d+$/.test(text)) candidates.unshift(Number(text));
  if (/^(true|on|yes)$/i.test(text)) candidates.unshift(true);
  if (/^(false|off|no)$/i.test(text)) candidates.unshift(false);
  for (const candidate of candidates) {
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  const issue = schema.safeParse(candidates[0]).error?.issues[0]?.message ?? 'invalid value';
  throw new MailwardError('INVALID_INPUT', { message: `policy ${key}: ${issue} (got "${text.slice(0, 80)}")` });
}

export class PolicyService {
  /** Values read with `maxAgeMs`, by key and domain: what a per-message check (a RETR, a submission) reads again within the second. */
  readonly #recent = new Map<string, { value: unknown; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /**
   * The value in force for `key` (for a domain when given). Read from the store each time, so a
   * CLI change applies at once; a caller on a per-message path may pass `maxAgeMs` (at most 1,000:
   * policies are never cached past a second) to take a value read that recently in this process.
   */
  async get<K extends PolicyKey>(key: K, options: { domain?: string; maxAgeMs?: number } = {}): Promise<PolicyValue<K>> {
    if (!options.maxAgeMs) return (await this.entry(key, options)).value as PolicyValue<K>;
    const cacheKey = `${key}\0${options.domain ?? ''}`;
    // Wall time, not the injected clock: this bounds a cache's age, and a frozen test clock must not freeze it.
    const now = Date.now();
    const recent = this.#recent.get(cacheKey);
    if (recent && now - recent.at < Math.min(options.maxAgeMs, 1000)) return recent.value as PolicyValue<K>;
    const value = (await this.entry(key, { ...(options.domain ? { domain: options.domain } : {}) })).value;
    if (this.#recent.size > 10_000) this.#recent.clear();
    this.#recent.set(cacheKey, { value, at: now });
    return value as PolicyValue<K>;
  }

  async entry(key: string, options: { domain?: string } = {}): Promise<PolicyEntry> {
    if (!isPolicyKey(key)) throw unknownKey(key);
    const definition = POLICIES[key];
    const scopes: PolicyEntry['source'][] = [];
    if (options.domain) scopes.push(domainScope(normalizeDomain(options.domain)) as `domain:${string}`);
    scopes.push('global');
    for (const scope of scopes) {
      const row = await this.store.policies.get(scope === 'global' ? GLOBAL_SCOPE : scope, key);
      if (!row) continue;
      let stored: unknown;
      try {
        stored = JSON.parse(row.value);
      } catch {
        continue;
      }
      const parsed = definition.schema.safeParse(stored);
      // A stored value the current schema refuses (say, from a newer version) falls back to safer layers.
      if (parsed.success) return { key, value: parsed.data, source: scope, description: definition.description };
    }
    return { key, value: definition.default, source: 'default', description: definition.description };
  }

  /** When the value in force was set (ms): undefined for a default, which nobody set. */
  async setAt(entry: Pick<PolicyEntry, 'key' | 'source'>): Promise<number | undefined> {
    if (entry.source === 'default') return undefined;
    return (await this.store.policies.get(entry.source === 'global' ? GLOBAL_SCOPE : entry.source, entry.key))?.updated_at;
  }

  async list(options: { domain?: string } = {}): Promise<PolicyEntry[]> {
    return Promise.all(Object.keys(POLICIES).map((key) => this.entry(key, options)));
  }

  /** Validates and stores a value; returns the previous value in force (for the audit log). */
  async set(key: string, value: unknown, options: { domain?: string } = {}): Promise<{ before: unknown; after: unknown }> {
    if (!isPolicyKey(key)) throw unknownKey(key);
    const parsed = POLICIES[key].schema.safeParse(value);
    if (!parsed.success) {
      throw new MailwardError('INVALID_INPUT', { message: `policy ${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'}` });
    }
    let scope = GLOBAL_SCOPE;
    if (options.domain !== undefined) {
      const domain = normalizeDomain(options.domain);
      if (!(await this.store.domains.findByName(domain))) {
        throw new MailwardError('NOT_FOUND', { message: `domain ${domain} does not exist` });
      }
      scope = domainScope(domain);
    }
    const before = (await this.entry(key, options)).value;
    await this.store.policies.set({ scope, key, value: JSON.stringify(parsed.data), now: this.now() });
    this.#recent.clear();
    return { before, after: parsed.data };
  }
}
