// CREATE (RFC 3501 §6.3.3, RFC 9051 §6.3.4) with missing parents, and CREATE-SPECIAL-USE (RFC 6154 §3): `CREATE name (USE (\Drafts))`.
import { MailwardError } from '../../../errors/index.js';
import { HIERARCHY_DELIMITER, INBOX, SPECIAL_USES, normalizeMailboxName } from '../../../mailbox/index.js';
import type { CreateRequest } from '../../../proto/imap/commands/create.js';
import * as grammar from '../../../proto/imap/commands/create.js';
import type { CommandResult, IMAPOp } from '../imap-context.js';
import { AUTHENTICATED } from '../imap-context.js';

export const CREATE: IMAPOp<CreateRequest> = {
  grammar: grammar.CREATE,
  states: AUTHENTICATED,
  async run(context, request): Promise<CommandResult> {
    let name = request.mailbox;
    // A trailing delimiter declares that names will be created below this one (RFC 3501 §6.3.3); the mailbox itself is made all the same.
    if (name.endsWith(HIERARCHY_DELIMITER) && name.length > 1) name = name.slice(0, -1);
    const accountId = context.session.account!.id;
    if (normalizeMailboxName(name) === INBOX) throw new MailwardError('EXISTS', { message: 'INBOX always exists' });
    let specialUse: string | undefined;
    if (request.uses.length > 0) {
      const known = request.uses.map((use) => SPECIAL_USES.find((s) => s.toLowerCase() === use.toLowerCase()));
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
