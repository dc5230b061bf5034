// ID (RFC 2971 §3.1): NIL, or a list of field-value pairs.
import { IMAPSyntaxError } from '../imap-syntax-error.js';
import { arg, astring, expectArgCount } from './command-args.js';
import type { IMAPCommandSpec, IMAPRequestBase } from './imap-command-spec.js';

/** RFC 2971 §3.3: at most 30 field-value pairs, fields at most 30 octets, values at most 1024. */
const MAX_PAIRS = 30;
const MAX_FIELD = 30;
const MAX_VALUE = 1024;

export interface IdRequest extends IMAPRequestBase<'ID'> {
  /** In the order sent; fields lower-cased, a NIL value as ''. Empty for `ID NIL`. */
  fields: Array<{ field: string; value: string }>;
}

export const ID: IMAPCommandSpec<IdRequest> = {
  name: 'ID',
  parse(command) {
    expectArgCount(command, 1);
    const params = arg(command, 0);
    const fields: IdRequest['fields'] = [];
    if (params.type === 'list') {
      if (params.items.length % 2 !== 0 || params.items.length > MAX_PAIRS * 2) throw new IMAPSyntaxError('ID takes field-value pairs');
      for (let i = 0; i < params.items.length; i += 2) {
        const field = astring(params.items[i]!).toLowerCase();
        const valueItem = params.items[i + 1]!;
        const value = valueItem.type === 'nil' ? '' : astring(valueItem);
        if (field.length > MAX_FIELD || value.length > MAX_VALUE) throw new IMAPSyntaxError('ID field or value too long');
        fields.push({ field, value });
      }
    } else if (params.type !== 'nil') {
      throw new IMAPSyntaxError('ID takes a list or NIL');
    }
    return { tag: command.tag, name: 'ID', fields };
  },
};
