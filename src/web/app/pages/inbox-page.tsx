// The mail views: folders with unread counts, the message list of one folder (sort, filters, search, more pages), the reading pane, compose, and live updates while the page is visible.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { APIError, describeError, request } from '../api';
import type { MailFolder, MailMessage, MessageListItem, MessagePage } from '../api-types';
import type { ComposeDraft } from '../components/mail/compose';
import { Compose } from '../components/mail/compose';
import type { ReplyKind } from '../components/mail/reader';
import { Reader, formatAddress } from '../components/mail/reader';
import { useSession } from '../components/session-context';
import { formatTime } from '../format';

const TEXT = {
  inbox: 'Inbox',
  folders: 'Folders',
  compose: 'New message',
  list: 'Messages',
  sort: 'Sort by',
  sortDate: 'Date',
  sortFrom: 'From',
  sortSubject: 'Subject',
  show: 'Show',
  all: 'All',
  unread: 'Unread',
  flagged: 'Flagged',
  search: 'Search',
  searchHint: 'Words, or from:, to:, subject:, body:, since:YYYY-MM-DD, before:YYYY-MM-DD',
  more: 'Load more',
  empty: 'No messages.',
  loading: 'Loading…',
  noSubject: '(no subject)',
  flaggedMark: 'Flagged',
  unreadCount: (n: number) => `${n} unread`,
  replyPrefix: 'Re: ',
  forwardPrefix: 'Fwd: ',
  forwardHeader: '---------- Forwarded message ----------',
  wrote: (who: string) => `${who} wrote:`,
};

const PAGE_SIZE = 50;
type Sort = 'date' | 'from' | 'subject';
type Filter = '' | 'unread' | 'flagged';

function quietly(caught: unknown): string | undefined {
  // A lost session has already sent the user to sign in; there is nothing to show here.
  if (caught instanceof APIError && ['SESSION_TIMED_OUT', 'SIGN_IN_REQUIRED', 'OTP_REQUIRED'].includes(caught.code)) return undefined;
  return describeError(caught);
}

function replyDraft(message: MailMessage, kind: ReplyKind, self: string): ComposeDraft {
  const quoted = message.text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  if (kind === 'forward') {
    const subject = /^fwd?:/i.test(message.subject) ? message.subject : `${TEXT.forwardPrefix}${message.subject}`;
    return { to: '', cc: '', subject, text: `\n\n${TEXT.forwardHeader}\n${formatAddress(message.from)}\n${message.subject}\n\n${message.text}` };
  }
  const subject = /^re:/i.test(message.subject) ? message.subject : `${TEXT.replyPrefix}${message.subject}`;
  const first = message.replyTo.length > 0 ? message.replyTo : message.from ? [message.from] : [];
  const to = first.map((a) => a.address);
  const cc = kind === 'replyAll' ? [...message.to, ...message.cc].map((a) => a.address).filter((a) => a.toLowerCase() !== self.toLowerCase() && !to.includes(a)) : [];
  return {
    to: to.join(', '),
    cc: cc.join(', '),
    subject,
    text: `\n\n${TEXT.wrote(formatAddress(message.from))}\n${quoted}`,
    ...(message.messageId ? { inReplyTo: message.messageId } : {}),
  };
}

/**
 * GET /api/v1/mail/events while the page is visible. A `mailbox` event calls onMailbox; `end`
 * closes the stream, and the next click or key press opens it again (that request also checks the
 * session, so an idle tab times out instead of being kept alive by the stream).
 */
function useMailEvents(onMailbox: (name: string) => void): void {
  const handler = useRef(onMailbox);
  useEffect(() => {
    handler.current = onMailbox;
  }, [onMailbox]);
  useEffect(() => {
    let source: EventSource | undefined;
    let ended = false;
    const open = (): void => {
      if (source || document.visibilityState !== 'visible') return;
      ended = false;
      source = new EventSource('/api/v1/mail/events');
      source.addEventListener('mailbox', (event) => {
        try {
          const data = JSON.parse((event as MessageEvent<string>).data) as { name?: unknown };
          if (typeof data.name === 'string') handler.current(data.name);
        } catch {
          // A malformed event changes nothing.
        }
      });
      source.addEventListener('folders', () => handler.current(''));
      // A refused reconnect (the session ended) leaves the stream closed for good; the next user
      // action tries again, and its API requests show the sign-in page if the session is gone.
      source.addEventListener('error', () => {
        if (source?.readyState === EventSource.CLOSED) close();
      });
      source.addEventListener('end', () => {
        ended = true;
        close();
      });
    };
    const close = (): void => {
      source?.close();
      source = undefined;
    };
    const onVisibility = (): void => {
      if (document.visibilityState === 'visible' && !ended) open();
      else if (document.visibilityState !== 'visible') close();
    };
    const onAction = (): void => {
      if (!source) open();
    };
    open();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pointerdown', onAction);
    window.addEventListener('keydown', onAction);
    return () => {
      close();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pointerdown', onAction);
      window.removeEventListener('keydown', onAction);
    };
  }, []);
}

export function InboxPage(): ReactElement {
  const [folders, setFolders] = useState<MailFolder[]>([]);
  const [folder, setFolder] = useState('INBOX');
  const [sort, setSort] = useState<Sort>('date');
  const [filter, setFilter] = useState<Filter>('');
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  const [items, setItems] = useState<MessageListItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [compose, setCompose] = useState<{ key: number; draft: ComposeDraft } | undefined>(undefined);
  const self = useSession().session.address;

  const listPath = useCallback(
    (after: string | null): string => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE), sort, order: sort === 'date' ? 'desc' : 'asc' });
      if (filter) params.set('filter', filter);
      if (q.trim()) params.set('q', q.trim());
      if (after) params.set('cursor', after);
      return `/api/v1/mail/folders/${encodeURIComponent(folder)}/messages?${params.toString()}`;
    },
    [folder, sort, filter, q],
  );

  const loadFolders = useCallback(async (): Promise<void> => {
    try {
      setFolders((await request<{ folders: MailFolder[] }>('GET', '/api/v1/mail/folders')).folders);
    } catch (caught) {
      setError(quietly(caught));
    }
  }, []);

  const loadList = useCallback(async (): Promise<void> => {
    setLoading(true);
    try {
      const page = await request<MessagePage>('GET', listPath(null));
      setItems(page.items);
      setCursor(page.nextCursor);
      setError(undefined);
    } catch (caught) {
      setError(quietly(caught));
    } finally {
      setLoading(false);
    }
  }, [listPath]);

  async function loadMore(): Promise<void> {
    if (!cursor) return;
    try {
      const page = await request<MessagePage>('GET', listPath(cursor));
      setItems((before) => [...before, ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(quietly(caught));
    }
  }

  useEffect(() => {
    void loadFolders();
  }, [loadFolders]);
  useEffect(() => {
    void loadList();
  }, [loadList]);

  useMailEvents(
    useCallback(
      (name: string) => {
        void loadFolders();
        if (name === '' || name === folder) void loadList();
      },
      [folder, loadFolders, loadList],
    ),
  );

  const isDrafts = folders.find((f) => f.name === folder)?.specialUse === 'Drafts';

  function openCompose(draft: ComposeDraft): void {
    setCompose({ key: Date.now(), draft });
    setSelected(undefined);
  }

  async function open(item: MessageListItem): Promise<void> {
    if (!isDrafts) {
      setCompose(undefined);
      setSelected(item.uid);
      return;
    }
    // A draft reopens in compose, and its next save replaces it.
    try {
      const message = await request<MailMessage>('GET', `/api/v1/mail/folders/${encodeURIComponent(folder)}/messages/${item.uid}?peek=true`);
      openCompose({
        to: message.to.map((a) => a.address).join(', '),
        cc: message.cc.map((a) => a.address).join(', '),
        subject: message.subject,
        text: message.text.replace(/\n$/, ''),
        draftUid: message.uid,
      });
    } catch (caught) {
      setError(quietly(caught));
    }
  }

  function search(event: FormEvent): void {
    event.preventDefault();
    setQ(typed);
  }

  function chooseFolder(name: string): void {
    setFolder(name);
    setSelected(undefined);
    setCursor(null);
  }

  const refresh = (): void => {
    void loadFolders();
    void loadList();
  };

  return (
    <section className="mail" aria-labelledby="mail-title">
      <nav className="mail-folders" aria-label={TEXT.folders}>
        <button type="button" onClick={() => openCompose({ to: '', cc: '', subject: '', text: '' })}>
          {TEXT.compose}
        </button>
        <ul>
          {folders.map((f) => (
            <li key={f.name}>
              <button type="button" className="link-button" aria-current={f.name === folder ? 'true' : undefined} onClick={() => chooseFolder(f.name)}>
                {f.name}
                {f.unread > 0 ? <span className="count" aria-label={TEXT.unreadCount(f.unread)}>{` (${f.unread})`}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div className="mail-list">
        <h1 id="mail-title">{folder === 'INBOX' ? TEXT.inbox : folder}</h1>
        <form className="mail-tools" onSubmit={search} role="search">
          <label>
            {TEXT.search}{' '}
            <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} title={TEXT.searchHint} />
          </label>
          <label>
            {TEXT.sort}{' '}
            <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
              <option value="date">{TEXT.sortDate}</option>
              <option value="from">{TEXT.sortFrom}</option>
              <option value="subject">{TEXT.sortSubject}</option>
            </select>
          </label>
          <label>
            {TEXT.show}{' '}
            <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
              <option value="">{TEXT.all}</option>
              <option value="unread">{TEXT.unread}</option>
              <option value="flagged">{TEXT.flagged}</option>
            </select>
          </label>
        </form>
        {error ? (
          <div className="message error" role="alert">
            <p>{error}</p>
          </div>
        ) : null}
        <ul className="messages" aria-label={TEXT.list} aria-busy={loading}>
          {items.map((item) => (
            <li key={item.uid} className={`${item.seen ? 'read' : 'unread'}${item.uid === selected ? ' selected' : ''}`}>
              <button type="button" className="message-row" onClick={() => void open(item)}>
                <span className="from">{item.from ? item.from.name || item.from.address : ''}</span>
                <span className="subject">{item.subject || TEXT.noSubject}</span>
                <span className="date">{formatTime(item.date)}</span>
                {item.flagged ? <span className="flag" aria-label={TEXT.flaggedMark}>⚑</span> : null}
              </button>
            </li>
          ))}
        </ul>
        {!loading && items.length === 0 ? <p>{TEXT.empty}</p> : null}
        {loading && items.length === 0 ? <p role="status">{TEXT.loading}</p> : null}
        {cursor ? (
          <button type="button" className="secondary" onClick={() => void loadMore()}>
            {TEXT.more}
          </button>
        ) : null}
      </div>
      <div className="mail-pane">
        {compose ? (
          <Compose
            key={compose.key}
            initial={compose.draft}
            onClose={() => {
              setCompose(undefined);
              refresh();
            }}
            onSent={() => {
              setCompose(undefined);
              refresh();
            }}
          />
        ) : selected !== undefined ? (
          <Reader
            key={`${folder}/${selected}`}
            folder={folder}
            uid={selected}
            folders={folders}
            onChanged={refresh}
            onGone={() => {
              setSelected(undefined);
              refresh();
            }}
            onReply={(message, kind) => openCompose(replyDraft(message, kind, self))}
          />
        ) : null}
      </div>
    </section>
  );
}
