// The message list of a folder: keyset pages in date, sender or subject order (an opaque cursor), the unread/flagged filters and the search box.
import { MailwardError } from '../../../errors/index.js';
import type { MessageMetaRow, MessageSortKey } from '../../../mailbox/index.js';
import { parseMessageSearch, searchMailbox } from '../../../mailbox/index.js';
import type { Address, Envelope, MIMEPart } from '../../../mailbox/mime/index.js';
import { decodeHeaderValue } from '../../../mailbox/mime/index.js';
import type { MessageListItem } from '../../contract/index.js';
import { MESSAGE_API } from '../../contract/index.js';
import type { APIRoutes } from '../route.js';
import type { MailAPIDeps } from './mail-deps.js';
import { ownFolder } from './mail-deps.js';

type SortValue = number | string;

/** The sort value of a row, the same column the store orders by. */
function sortValue(row: MessageMetaRow, sort: MessageSortKey): SortValue {
  return sort === 'date' ? row.internal_date : sort === 'from' ? row.from_text : row.subject;
}

/**
 * A cursor is the last row's sort value and UID, tagged with the order it belongs to so a cursor
 * from another sort is refused instead of silently skipping mail. Opaque to clients: base64url JSON.
 */
function encodeCursor(sort: string, order: string, key: SortValue, uid: number): string {
  return Buffer.from(JSON.stringify([sort, order, key, uid])).toString('base64url');
}

function decodeCursor(cursor: string, sort: MessageSortKey, order: string): { key: SortValue; uid: number } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 4 && value[0] === sort && value[1] === order && Number.isInteger(value[3])) {
      const key = value[2] as unknown;
      if ((sort === 'date' && Number.isInteger(key)) || (sort !== 'date' && typeof key === 'string')) return { key: key as SortValue, uid: value[3] as number };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new MailwardError('INVALID_INPUT', { message: 'The cursor is not valid for this list; start again from the first page', details: { field: 'cursor' } });
}

function compare(a: SortValue, b: SortValue): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function presentAddress(address: Address): { name: string; address: string } {
  return { name: address.name ? decodeHeaderValue(address.name) : '', address: address.mailbox && address.host ? `${address.mailbox}@${address.host}` : (address.mailbox ?? '') };
}

/** An attachment is a leaf part with a file name or an attachment disposition (inline parts of a text body are not). */
export function hasAttachments(part: MIMEPart): boolean {
  if (part.children.length > 0 && part.type !== 'message') return part.children.some(hasAttachments);
  if (part.disposition?.type === 'attachment') return true;
  return part.type !== 'text' && part.type !== 'multipart' && (part.params['name'] !== undefined || part.disposition?.params['filename'] !== undefined);
}

/** One row of the list: an allow-list of fields, no body and no search text. */
export function presentListItem(row: MessageMetaRow): MessageListItem {
  const structure = JSON.parse(row.structure) as { root?: MIMEPart; envelope?: Envelope };
  const envelope = structure.envelope;
  return {
    uid: row.uid,
    from: envelope?.from?.[0] ? presentAddress(envelope.from[0]) : null,
    to: (envelope?.to ?? []).map(presentAddress),
    subject: row.subject,
    date: row.sent_date ?? row.internal_date,
    receivedAt: row.internal_date,
    size: row.size,
    seen: row.seen === 1,
    flagged: row.flagged === 1,
    answered: row.answered === 1,
    hasAttachments: structure.root ? hasAttachments(structure.root) : false,
  };
}

export function messageListRoutes(routes: APIRoutes, deps: MailAPIDeps): void {
  routes.add(MESSAGE_API.list, {
    auth: 'session',
    handler: async ({ session, params, query }) => {
      const folder = await ownFolder(deps, session.account.id, params.name);
      const after = query.cursor !== undefined ? decodeCursor(query.cursor, query.sort, query.order) : undefined;
      let rows: MessageMetaRow[];
      if (query.q !== undefined && query.q.trim() !== '') {
        // Search reads the mailbox's narrow rows in batches and orders the matches here, in the
        // same (value, UID) order the store uses, so the cursor means the same thing.
        const direction = query.order === 'desc' ? -1 : 1;
        const found = await searchMailbox(deps.mailboxes, folder.id, parseMessageSearch(query.q), query.filter ? { filter: query.filter } : {});
        const ordered = found.sort((a, b) => direction * (compare(sortValue(a, query.sort), sortValue(b, query.sort)) || a.uid - b.uid));
        const start = after ? ordered.findIndex((r) => direction * (compare(sortValue(r, query.sort), after.key) || r.uid - after.uid) > 0) : 0;
        rows = start < 0 ? [] : ordered.slice(start, start + query.limit + 1);
      } else {
        rows = await deps.mailboxes.page(folder.id, {
          sort: query.sort,
          order: query.order,
          // One more than asked: whether there is a next page, without counting the mailbox.
          limit: query.limit + 1,
          ...(query.filter ? { filter: query.filter } : {}),
          ...(after ? { after } : {}),
        });
      }
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(presentListItem),
        nextCursor: rows.length > query.limit && last ? encodeCursor(query.sort, query.order, sortValue(last, query.sort), last.uid) : null,
      };
    },
  });
}
