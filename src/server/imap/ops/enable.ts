// ENABLE (RFC 5161): CONDSTORE, QRESYNC (which implies CONDSTORE), UTF8=ACCEPT (RFC 6855) and IMAP4rev2 (RFC 9051).
import { untaggedData } from '../../../proto/imap/imap-response.js';
import type { EnableRequest } from '../../../proto/imap/commands/enable.js';
import * as grammar from '../../../proto/imap/commands/enable.js';
import { enableCondstore } from '../condstore.js';
import type { IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

const ENABLEABLE: Record<string, string> = { CONDSTORE: 'CONDSTORE', QRESYNC: 'QRESYNC', 'UTF8=ACCEPT': 'UTF8=ACCEPT', IMAP4REV2: 'IMAP4rev2' };

export const ENABLE: IMAPOp<EnableRequest> = {
  grammar: grammar.ENABLE,
  states: AUTHENTICATED,
  async run(context, request) {
    const session = context.session;
    const newly: string[] = [];
    for (const name of request.capabilities) {
      const spelled = ENABLEABLE[name];
      // Unknown names are ignored (RFC 5161 §3.1); each is reported once.
      if (!spelled || session.enabled.has(name)) continue;
      session.enabled.add(name);
      newly.push(spelled);
      if (name === 'QRESYNC') session.enabled.add('CONDSTORE');
    }
    await context.write(untaggedData([{ atom: 'ENABLED' }, ...newly.map((atom) => ({ atom }))]));
    if (session.enabled.has('CONDSTORE')) await enableCondstore(context);
  },
};
