// ID (RFC 2971): the client's name goes into login records; we say only our product name (no version, nothing for an attacker).
import { untaggedData } from '../../../proto/imap/imap-response.js';
import type { IdRequest } from '../../../proto/imap/commands/id.js';
import * as grammar from '../../../proto/imap/commands/id.js';
import type { IMAPOp } from '../imap-context.js';
import { ANY_STATE } from '../imap-context.js';

export const ID: IMAPOp<IdRequest> = {
  grammar: grammar.ID,
  states: ANY_STATE,
  async run(context, request) {
    for (const { field, value } of request.fields) {
      if (field === 'name') {
        // Kept printable and short: it is shown in the user's login records.
        context.session.clientName = value.replace(/[^\x20-\x7e\u00a0-\uffff]/gu, '').slice(0, 100);
      } else if (field === 'version' && context.session.clientName !== '') {
        context.session.clientName = `${context.session.clientName} ${value.replace(/[^\x20-\x7e]/g, '').slice(0, 30)}`.slice(0, 130);
      }
    }
    await context.write(untaggedData([{ atom: 'ID' }, { list: [{ string: 'name' }, { string: 'Mailward' }] }]));
  },
};
