// `mailward domain dkim DOMAIN [--selector S] [--rotate] [--algorithm A] [--json]`: the domain's DKIM key and the DNS record to publish.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { DKIMAlgorithm, DKIMDNSRecord, DKIMEnsureResult } from '../../transport/index.js';
import { DKIM_ALGORITHMS, DKIMKeys, dkimDNSRecord } from '../../transport/index.js';
import type { ServerKey } from '../../kernel/index.js';
import { loadServerKey } from '../../kernel/index.js';
import type { App } from '../../app/open-app.js';
import type { CommandSpec, JSONOption } from '../command.js';
import { command } from '../command.js';
import type { GlobalOptions } from '../context.js';
import { isoTime, printJSON } from '../output.js';

export interface DomainDKIMOptions {
  selector?: string;
  rotate?: boolean;
  algorithm?: DKIMAlgorithm;
}

/** What the command prints with --json: the public half and the record only, never the private key. */
export interface DomainDKIMView {
  domain: string;
  selector: string;
  algorithm: DKIMAlgorithm;
  createdAt: string | null;
  /** True when this run made the key. */
  created: boolean;
  /** The selector this run retired (with --rotate). */
  retired: string | null;
  record: DKIMDNSRecord;
}

export function presentDomainDKIM(result: DKIMEnsureResult): DomainDKIMView {
  return {
    domain: result.key.domain,
    selector: result.key.selector,
    algorithm: result.key.algorithm,
    createdAt: isoTime(result.key.createdAt),
    created: result.created,
    retired: result.retired?.selector ?? null,
    record: dkimDNSRecord(result.key),
  };
}

/** Creates the key when needed (or a new one with `rotate`) and returns what to print. */
export async function domainDKIM(app: App, key: ServerKey, name: string, options: DomainDKIMOptions): Promise<DomainDKIMView> {
  const keys = new DKIMKeys({ store: app.store, key, now: app.now });
  return presentDomainDKIM(await keys.ensure(name, options));
}

/** The text for people: one line saying what happened, then the zone-file line to publish. */
export function formatDomainDKIM(view: DomainDKIMView): string {
  const what = `DKIM key ${view.selector} (${view.algorithm}) for ${view.domain}`;
  let intro: string;
  if (view.retired !== null) {
    intro =
      `${what} created; it replaces ${view.retired}, which no longer signs. Publish this record now, ` +
      `and keep the record of ${view.retired} for a few days so mail already sent still verifies:`;
  } else if (view.created) {
    intro = `${what} created. Publish this DNS record (mail is signed from now on):`;
  } else {
    intro = `${what} is active since ${view.createdAt ?? 'unknown'}. Its DNS record:`;
  }
  return `${intro}\n${view.record.zoneLine}\n`;
}

export function registerDomainDKIMCommand(domain: Command, globals: () => GlobalOptions): void {
  const dkim: CommandSpec = {
    usage: 'dkim <domain>',
    about: ['domain name'],
    options: [
      ['--selector <selector>', 'selector of a new key (default: mw<YYYYMMDD>)'],
      ['--rotate', 'make a new key under a new selector and stop signing with the current one'],
      new Option('--algorithm <algorithm>', 'key type; ed25519-sha256 is an extra key to sign with beside RSA, as not every receiver verifies it')
        .choices([...DKIM_ALGORITHMS])
        .default('rsa-sha256'),
    ],
    json: true,
    description: "create (or show) the domain's DKIM key and print the DNS TXT record to publish",
  };
  command(domain, globals, dkim, async (app, name: string, options: DomainDKIMOptions & JSONOption) => {
    // The same key `serve` uses: MAILWARD_SECRET_KEY, else <data>/keys/server.key.
    const key = loadServerKey({ dataDir: app.dataDir });
    const view = await domainDKIM(app, key, name, options);
    if (options.json) printJSON(view);
    else process.stdout.write(formatDomainDKIM(view));
  });
}
