// ID (RFC 2971): the client's name goes into login records; we say only our product name (no version, nothing for an attacker).
import { untaggedData } from '../../../proto/imap/imap-response.js';
import { arg, astring, expectArgCount } from '../command-args.js';
import type { IMAPOp } from '../imap-context.js';
import { ANY_STATE, IMAPSyntaxError } from '../imap-context.js';

/** RFC 2971 §3.3: at most 30 field-value pairs, fields at most 30 octets, values at most 1024. */
const MAX_PAIRS = 30;

export const ID: IMAPOp = {
  states: ANY_STATE,
  async run(context, command) {
    expectArgCount(command, 1);
    const params = arg(command, 0);
    if (params.type === 'list') {
      if (params.items.length % 2 !== 0 || params.items.length > MAX_PAIRS * 2) throw new IMAPSyntaxError('ID takes field-value pairs');
      for (let i = 0; i < params.items.length; i += 2) {
        const field = astring(params.items[i]!).toLowerCase();
        const valueItem = params.items[i + 1]!;
        const value = valueItem.type === 'nil' ? '' : astring(valueItem);
        if (field.length > 30 || value.length > 1024) throw new IMAPSyntaxError('ID field or value too long');
        if (field === 'name') {
          // Kept printable and short: it is shown in the user's login records.
          context.session.clientName = value.replace(/[^\x20-\x7e\u00a0-\uffff]/gu, '').slice(0, 100);
        } else if (field === 'version' && context.session.clientName !== '') {
          context.session.clientName = `${context.session.clientName} ${value.replace(/[^\x20-\x7e]/g, '').slice(0, 30)}`.slice(0, 130);
        }
      }
    } else if (params.type !== 'nil') {
      throw new IMAPSyntaxError('ID takes a list or NIL');
    }
    await context.write(untaggedData([{ atom: 'ID' }, { list: [{ string: 'name' }, { string: 'Mailward' }] }]));
  },
};
