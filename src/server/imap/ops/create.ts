// CREATE (RFC 3501 §6.3.3, RFC 9051 §6.3.4) with missing parents, and CREATE-SPECIAL-USE (RFC 6154 §3): `CREATE name (USE (\Drafts))`.
import { MailwardError } from '../../../errors/index.js';
import { HIERARCHY_DELIMITER, INBOX, SPECIAL_USES, normalizeMailboxName } from '../../../mailbox/index.js';
import type { IMAPValue } from '../../../proto/imap/imap-value.js';
import { arg, expectArgCount, keyword, list, mailboxName } from '../command-args.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED, IMAPSyntaxError } from '../imap-context.js';

/** The special uses asked for in `(USE (\Drafts …))`, as stored (`Drafts`); unknown attributes are kept for the USEATTR answer. */
function requestedUses(params: IMAPValue | undefined): string[] {
  if (!params) return [];
  const items = list(params);
  const uses: string[] = [];
  for (let i = 0; i < items.length; i += 2) {
    if (keyword(items[i]!) !== 'USE') throw new IMAPSyntaxError('Unknown CREATE parameter');
    const value = items[i + 1];
    if (!value) throw new IMAPSyntaxError('USE takes a list of attributes');
    for (const attribute of list(value)) {
      if (attribute.type !== 'atom' || !attribute.value.startsWith('\\')) throw new IMAPSyntaxError('USE takes special-use attributes');
      uses.push(attribute.value.slice(1));
    }
  }
  return uses;
}

export const CREATE: IMAPOp = {
  states: AUTHENTICATED,
  async run(context, command): Promise<CommandResult> {
    expectArgCount(command, 1, 2);
    let name = mailboxName(arg(command, 0), { utf8: context.utf8 });
    // A trailing delimiter declares that names will be created below this one (RFC 3501 §6.3.3); the mailbox itself is made all the same.
    if (name.endsWith(HIERARCHY_DELIMITER) && name.length > 1) name = name.slice(0, -1);
    const uses = requestedUses(command.args[1]);
    const accountId = context.session.account!.id;
    if (normalizeMailboxName(name) === INBOX) throw new MailwardError('EXISTS', { message: 'INBOX always exists' });
    let specialUse: string | undefined;
    if (uses.length > 0) {
      const known = uses.map((use) => SPECIAL_USES.find((s) => s.toLowerCase() === use.toLowerCase()));
      if (known.some((k) => k === undefined)) return { status: 'NO', code: { name: 'USEATTR' }, text: 'Unsupported special-use attribute' };
      // One use per mailbox: the store keeps one, and RFC 6154 §3 lets a server refuse combinations.
      if (new Set(known).size > 1) return { status: 'NO', code: { name: 'USEATTR' }, text: 'Only one special-use attribute per mailbox' };
      // Another mailbox may have the same use (RFC 6154 §3 allows it; the defaults are recreated on
      // first use, so refusing would make the parameter useless); the server's own deliveries keep
      // going to the first such mailbox by name.
      specialUse = known[0]!;
    }
    await context.deps.mailboxes.create(accountId, name, specialUse ? { specialUse } : {});
    return { text: 'CREATE completed' };
  },
};
