// The mail views: folders, the message list of one folder and the reading pane or compose, with the open folder, message and draft in the URL (/mail?folder=Sent&uid=12) and live updates while the page is visible.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReactElement } from 'react';
import type { MailFolder, MailMessage, MessageListItem } from '../../contract/index.js';
import { APIError, call, describeError } from '../api.js';
import { Compose } from '../components/mail/compose.js';
import { FolderList } from '../components/mail/folder-list.js';
import { folderLabel, storedAttachments } from '../components/mail/mail-format.js';
import { messagesPath } from '../components/mail/mail-types.js';
import { MessageListView } from '../components/mail/message-list.js';
import { Reader } from '../components/mail/reader.js';
import type { ComposeDraft, ReplyKind } from '../components/mail/reply-draft.js';
import { EMPTY_DRAFT, replyDraft } from '../components/mail/reply-draft.js';
import { useMailEvents } from '../components/mail/use-mail-events.js';
import { useMessageList } from '../components/mail/use-message-list.js';
import { useSession } from '../components/session-context.js';
import { useTranslation } from '../i18n/index.js';
import { navigate, useRoute } from '../router.js';
import { ROUTES } from '../routes.js';

interface MailPlace {
  folder: string;
  /** The message open in the reading pane. */
  uid?: number | undefined;
  /** The Drafts message open in compose (its latest save). */
  draft?: number | undefined;
}

function positive(value: string | null): number | undefined {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}

function placeOf(route: string): MailPlace {
  const query = new URLSearchParams(route.split('?')[1] ?? '');
  return { folder: query.get('folder') || 'INBOX', uid: positive(query.get('uid')), draft: positive(query.get('draft')) };
}

/** The route of a place: `/mail` alone is the inbox. */
function routeOf(place: MailPlace): string {
  const query = new URLSearchParams();
  if (place.folder !== 'INBOX') query.set('folder', place.folder);
  if (place.uid !== undefined) query.set('uid', String(place.uid));
  if (place.draft !== undefined) query.set('draft', String(place.draft));
  const search = query.toString();
  return search ? `${ROUTES.mail}?${search}` : ROUTES.mail;
}

function quietly(caught: unknown): string | undefined {
  // A lost session has already sent the user to sign in; there is nothing to show here.
  if (caught instanceof APIError && ['SESSION_TIMED_OUT', 'SIGN_IN_REQUIRED', 'OTP_REQUIRED'].includes(caught.code)) return undefined;
  return describeError(caught);
}

export function InboxPage(): ReactElement {
  const { t } = useTranslation();
  const place = placeOf(useRoute());
  const { folder, uid: selected, draft: draftParam } = place;
  const [folders, setFolders] = useState<MailFolder[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [compose, setCompose] = useState<{ key: number; draft: ComposeDraft } | undefined>(undefined);
  /** The Drafts UID of what compose shows (its latest save), when it has one. */
  const composeUid = useRef<number | undefined>(undefined);
  const self = useSession().session.address;

  const onError = useCallback((caught: unknown): void => {
    setError(caught === undefined ? undefined : quietly(caught));
  }, []);
  const list = useMessageList(folder, onError);
  const { reload, setItems } = list;

  const loadFolders = useCallback(async (): Promise<void> => {
    try {
      setFolders((await call('GET /api/v1/mail/folders')).folders);
    } catch (caught) {
      onError(caught);
    }
  }, [onError]);

  useEffect(() => {
    void loadFolders();
  }, [loadFolders]);

  useMailEvents(
    useCallback(
      (name: string) => {
        void loadFolders();
        if (name === '' || name === folder) void reload();
      },
      [folder, loadFolders, reload],
    ),
  );

  const refresh = useCallback((): void => {
    void loadFolders();
    void reload();
  }, [loadFolders, reload]);

  const draftsFolder = folders.find((f) => f.specialUse === 'Drafts')?.name ?? 'Drafts';
  const isDrafts = folder === draftsFolder;

  const closeCompose = useCallback((): void => {
    composeUid.current = undefined;
    setCompose(undefined);
  }, []);

  // A draft in the URL (opened from Drafts, saved by compose, or the place to come back to after
  // signing in again) opens in compose; leaving it (Back) closes compose.
  useEffect(() => {
    if (draftParam === undefined) {
      if (composeUid.current !== undefined) closeCompose();
      return;
    }
    if (draftParam === composeUid.current) return;
    let cancelled = false;
    void (async () => {
      try {
        const base = messagesPath(draftsFolder);
        const message = await call('GET /api/v1/mail/folders/:name/messages/:uid', { params: { name: draftsFolder, uid: draftParam }, query: { peek: 'true' } });
        const attachments = await storedAttachments(base, message.uid, message.attachments);
        if (cancelled) return;
        composeUid.current = message.uid;
        setCompose({
          key: Date.now(),
          draft: {
            ...EMPTY_DRAFT,
            to: message.to.map((a) => a.address).join(', '),
            cc: message.cc.map((a) => a.address).join(', '),
            bcc: message.bcc.map((a) => a.address).join(', '),
            subject: message.subject,
            text: message.text.replace(/\n$/, ''),
            attachments,
            draftUid: message.uid,
          },
        });
      } catch (caught) {
        if (!cancelled) onError(caught);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [draftParam, draftsFolder, closeCompose, onError]);

  // Opening a message (a click, Back or Forward) puts the reading pane in place of compose.
  useEffect(() => {
    if (selected !== undefined) closeCompose();
  }, [selected, closeCompose]);

  function go(next: MailPlace, options: { replace?: boolean } = {}): void {
    navigate(routeOf(next), options);
  }

  function openCompose(draft: ComposeDraft): void {
    composeUid.current = draft.draftUid;
    setCompose({ key: Date.now(), draft });
    go({ folder, draft: draft.draftUid });
  }

  function open(item: MessageListItem): void {
    // A draft reopens in compose, and its next save replaces it.
    if (isDrafts) go({ folder, draft: item.uid });
    else go({ folder, uid: item.uid });
  }

  async function reply(message: MailMessage, kind: ReplyKind): Promise<void> {
    try {
      // A forward carries the original's attachments, read back from the server.
      const attachments = kind === 'forward' && message.attachments.length > 0 ? await storedAttachments(messagesPath(folder), message.uid, message.attachments) : [];
      openCompose(replyDraft(message, kind, self, attachments));
    } catch (caught) {
      onError(caught);
    }
  }

  function finishCompose(): void {
    closeCompose();
    if (draftParam !== undefined) go({ folder }, { replace: true });
    refresh();
  }

  return (
    <section className="mail" aria-labelledby="mail-title">
      <FolderList
        folders={folders}
        current={folder}
        onChoose={(name) => go({ folder: name, draft: composeUid.current })}
        onCompose={() => openCompose(EMPTY_DRAFT)}
        onChanged={(show) => {
          void loadFolders();
          if (show !== undefined && show !== folder) go({ folder: show });
          else void reload();
        }}
        onError={onError}
      />
      <div className="mail-list">
        <h1 id="mail-title">{folderLabel(folder)}</h1>
        {error ? (
          <div className="message error" role="alert">
            <p>{error}</p>
          </div>
        ) : null}
        <MessageListView
          key={folder}
          folder={folder}
          folders={folders}
          list={list}
          open={selected}
          onOpen={open}
          onChanged={(gone) => {
            if (selected !== undefined && gone.includes(selected)) go({ folder }, { replace: true });
            refresh();
          }}
          onError={onError}
        />
      </div>
      <div className="mail-pane">
        {compose ? (
          <Compose
            key={compose.key}
            initial={compose.draft}
            onClose={finishCompose}
            onSent={finishCompose}
            onSaved={(uid) => {
              composeUid.current = uid;
              go({ folder, draft: uid }, { replace: true });
            }}
          />
        ) : selected !== undefined ? (
          <Reader
            key={`${folder}/${selected}`}
            folder={folder}
            uid={selected}
            folders={folders}
            onChanged={refresh}
            onSeen={(uid) => {
              setItems((before) => before.map((i) => (i.uid === uid ? { ...i, seen: true } : i)));
              void loadFolders();
            }}
            onGone={() => {
              go({ folder }, { replace: true });
              refresh();
            }}
            onReply={(message, kind) => void reply(message, kind)}
          />
        ) : (
          <p className="hint">{t('mail.reader.none')}</p>
        )}
      </div>
    </section>
  );
}
