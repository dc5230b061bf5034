// STATUS responses (RFC 3501 §6.3.10, RFC 9051 §6.3.11, CONDSTORE RFC 7162, SIZE RFC 8438, APPENDLIMIT RFC 7889), shared by STATUS and LIST-STATUS (RFC 5819).
import type { MailboxRow } from '../../mailbox/index.js';
import type { StatusItem } from '../../proto/imap/commands/status-items.js';
import type { ResponseValue } from '../../proto/imap/imap-response.js';
import { untaggedData } from '../../proto/imap/imap-response.js';
import { enableCondstore } from './condstore.js';
import type { IMAPCommandContext } from './imap-context.js';
import { wireMailboxName } from './mailbox-wire-name.js';

/**
 * `* STATUS name (MESSAGES 2 UNSEEN 1)`, counted from the store: for the selected mailbox too,
 * where the numbers may run ahead of the EXISTS the session has reported (RFC 9051 §6.3.11
 * allows it; the connection's sync at the end of the command catches the session up).
 */
export async function statusResponse(context: IMAPCommandContext, mailbox: MailboxRow, items: readonly StatusItem[]): Promise<Buffer> {
  const { deps } = context;
  // HIGHESTMODSEQ is a CONDSTORE-enabling item (RFC 7162 §3.1): later FETCH responses carry MODSEQ.
  if (items.includes('HIGHESTMODSEQ')) await enableCondstore(context);
  const needsCounts = items.some((i) => i === 'MESSAGES' || i === 'UNSEEN' || i === 'RECENT' || i === 'DELETED' || i === 'SIZE');
  const counts = needsCounts ? await deps.mailboxes.counts(mailbox.id) : undefined;
  // The row may be older than the counts (read before a delivery); take uid_next and modseq fresh.
  const fresh = (await deps.mailboxes.byId(mailbox.id)) ?? mailbox;
  const values: ResponseValue[] = [];
  for (const item of items) {
    values.push({ atom: item });
    switch (item) {
      case 'MESSAGES':
        values.push(counts!.messages);
        break;
      case 'UIDNEXT':
        values.push(fresh.uid_next);
        break;
      case 'UIDVALIDITY':
        values.push(fresh.uid_validity);
        break;
      case 'UNSEEN':
        values.push(counts!.unseen);
        break;
      case 'RECENT':
        values.push(counts!.recent);
        break;
      case 'DELETED':
        values.push(counts!.deleted);
        break;
      case 'SIZE':
        values.push(counts!.size);
        break;
      case 'HIGHESTMODSEQ':
        values.push(fresh.highest_modseq);
        break;
      case 'APPENDLIMIT':
        values.push(deps.maxMessageBytes);
        break;
    }
  }
  return untaggedData([{ atom: 'STATUS' }, wireMailboxName(mailbox.name, { utf8: context.utf8 }), { list: values }], { utf8Accept: context.utf8 });
}
