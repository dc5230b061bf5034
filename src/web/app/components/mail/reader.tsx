// The reading pane: headers, sender warnings and verdicts, the body (sanitised HTML in a sandboxed frame, or text), remote images on request, attachments and the message actions.
import { useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import type { MailFolder, MailMessage } from '../../../contract/index.js';
import { APIError, call, describeError } from '../../api.js';
import { formatTime } from '../../format.js';
import { useTranslation } from '../../i18n/index.js';
import { AttachmentList } from './attachment-list.js';
import { FolderSelect } from './folder-select.js';
import { messagesPath } from './mail-types.js';
import type { ReplyKind } from './reply-draft.js';
import { formatAddress } from './reply-draft.js';

/**
 * The sanitised HTML inside a sandboxed frame: no script and no forms, and it inherits the page's
 * CSP, so even a remote image the sanitiser missed is refused. It keeps the webmail's origin
 * (allow-same-origin) only so that proxied images are same-site requests that carry the session
 * cookie; with no script in the frame, that origin gives the sender's HTML nothing to use. Never
 * add allow-scripts beside it: together they let a frame lift its own sandbox. Links (rewritten by
 * the server to target=_blank rel=noopener noreferrer) open in a new tab of their own, outside the
 * sandbox, as any link the user clicks; without script nothing else can open a window.
 */
function HTMLBody({ html, title }: { html: string; title: string }): ReactElement {
  const document = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"></head><body>${html}</body></html>`;
  return <iframe className="mail-html" title={title} sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" srcDoc={document} />;
}

export interface ReaderProps {
  folder: string;
  uid: number;
  folders: MailFolder[];
  onChanged(): void;
  /** The message was unread and is now marked read. */
  onSeen(uid: number): void;
  onGone(): void;
  onReply(message: MailMessage, kind: ReplyKind): void;
}

function sessionLost(caught: unknown): boolean {
  return caught instanceof APIError && ['SESSION_TIMED_OUT', 'SIGN_IN_REQUIRED'].includes(caught.code);
}

export function Reader({ folder, uid, folders, onChanged, onSeen, onGone, onReply }: ReaderProps): ReactElement {
  const { t } = useTranslation();
  const [message, setMessage] = useState<MailMessage | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [images, setImages] = useState(false);
  /** Bumped to read the message again (the sender's image choice changed). */
  const [version, setVersion] = useState(0);
  const [target, setTarget] = useState('');
  const base = messagesPath(folder);
  const params = { name: folder, uid };

  useEffect(() => {
    let cancelled = false;
    setError(undefined);
    // peek: reading does not change the message by itself; marking it read is a change of its own,
    // so it works whether or not the server's GET marks messages read.
    call('GET /api/v1/mail/folders/:name/messages/:uid', { params, query: { peek: 'true', remoteImages: images ? 'allow' : undefined } }).then(
      async (answer) => {
        if (cancelled) return;
        setMessage(answer);
        if (answer.seen) return;
        const flags = await call('PATCH /api/v1/mail/folders/:name/messages/:uid', { params, body: { seen: true } });
        if (cancelled) return;
        setMessage((before) => (before ? { ...before, seen: flags.seen } : before));
        onSeen(uid);
      },
      (caught: unknown) => {
        if (!cancelled && !sessionLost(caught)) setError(describeError(caught));
      },
    ).catch((caught: unknown) => {
      if (!cancelled && !sessionLost(caught)) setError(describeError(caught));
    });
    return () => {
      cancelled = true;
    };
    // Only a new message, the images choice or a sender choice reads again: onSeen is the page's
    // refresh, and reading again whenever it changes would loop.
  }, [base, uid, images, version]);

  async function act(run: () => Promise<void>): Promise<void> {
    try {
      setError(undefined);
      await run();
    } catch (caught) {
      if (!sessionLost(caught)) setError(describeError(caught));
    }
  }

  if (error && !message) {
    return (
      <div className="message error" role="alert">
        <p>{error}</p>
      </div>
    );
  }
  if (!message) return <p role="status">{t('mail.reader.loading')}</p>;
  const sender = message.from?.address ?? '';
  const original = `${base}/${uid}/raw`;
  const auth = message.authentication;
  return (
    <article className="reader" aria-labelledby="reader-subject">
      <h2 id="reader-subject">{message.subject || t('mail.list.noSubject')}</h2>
      {message.warnings.length > 0 ? (
        <div className="message warning" role="alert">
          {message.warnings.map((w) => (
            <p key={w.code}>{w.message}</p>
          ))}
        </div>
      ) : null}
      <dl className="headers">
        <dt>{t('mail.reader.from')}</dt>
        <dd>{formatAddress(message.from)}</dd>
        <dt>{t('mail.reader.to')}</dt>
        <dd>{message.to.map(formatAddress).join(', ')}</dd>
        {message.cc.length > 0 ? (
          <>
            <dt>{t('mail.reader.cc')}</dt>
            <dd>{message.cc.map(formatAddress).join(', ')}</dd>
          </>
        ) : null}
        <dt>{t('mail.reader.date')}</dt>
        <dd>{formatTime(message.date)}</dd>
        {auth ? (
          <>
            <dt>{t('mail.reader.verdicts')}</dt>
            <dd>
              {t('mail.reader.verdictLine', {
                spf: auth.spf,
                dkim: auth.dkim.map((d) => `${d.domain} ${d.result}`).join(', ') || t('mail.reader.noDkim'),
                dmarc: auth.dmarc,
              })}
            </dd>
          </>
        ) : null}
      </dl>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => onReply(message, 'reply')}>
          {t('mail.reader.reply')}
        </button>
        <button type="button" className="secondary" onClick={() => onReply(message, 'replyAll')}>
          {t('mail.reader.replyAll')}
        </button>
        <button type="button" className="secondary" onClick={() => onReply(message, 'forward')}>
          {t('mail.reader.forward')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void act(async () => {
              await call('PATCH /api/v1/mail/folders/:name/messages/:uid', { params, body: { seen: false } });
              onGone();
            })
          }
        >
          {t('mail.reader.markUnread')}
        </button>
        <button
          type="button"
          className="secondary"
          aria-pressed={message.flagged}
          onClick={() =>
            void act(async () => {
              const answer = await call('PATCH /api/v1/mail/folders/:name/messages/:uid', { params, body: { flagged: !message.flagged } });
              setMessage({ ...message, flagged: answer.flagged });
              onChanged();
            })
          }
        >
          {message.flagged ? t('mail.reader.unflag') : t('mail.reader.flag')}
        </button>
        <FolderSelect label={t('mail.reader.moveTo')} folders={folders} current={folder} value={target} onChange={setTarget} />
        <button
          type="button"
          className="secondary"
          disabled={target === ''}
          onClick={() =>
            void act(async () => {
              await call('POST /api/v1/mail/folders/:name/messages/move', { params: { name: folder }, body: { uids: [uid], to: target } });
              onGone();
            })
          }
        >
          {t('mail.reader.move')}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() =>
            void act(async () => {
              await call('POST /api/v1/mail/folders/:name/messages/delete', { params: { name: folder }, body: { uids: [uid] } });
              onGone();
            })
          }
        >
          {t('mail.reader.delete')}
        </button>
      </div>
      {error ? (
        <div className="message error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      {message.remoteImagesBlocked && !images ? (
        <div className="message notice">
          <p>
            {t('mail.reader.imagesBlocked')}{' '}
            <button type="button" className="link-button" onClick={() => setImages(true)}>
              {t('mail.reader.showImages')}
            </button>
            {sender && message.senderAuthenticated !== false ? (
              <>
                {' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() =>
                    void act(async () => {
                      await call('POST /api/v1/mail/image-senders', { body: { address: sender } });
                      setVersion((v) => v + 1);
                    })
                  }
                >
                  {t('mail.reader.alwaysShowImages', { sender })}
                </button>
              </>
            ) : null}
          </p>
        </div>
      ) : null}
      {message.imagesAllowedForSender && sender ? (
        <p className="hint">
          {t('mail.reader.imagesAlwaysShown', { sender })}{' '}
          <button
            type="button"
            className="link-button"
            onClick={() =>
              void act(async () => {
                await call('DELETE /api/v1/mail/image-senders/:address', { params: { address: sender } });
                setImages(false);
                setVersion((v) => v + 1);
              })
            }
          >
            {t('mail.reader.stopShowingImages')}
          </button>
        </p>
      ) : null}
      {message.partial ? (
        // A message past the MIME limits is shown in part: say what is missing, and where all of it is.
        <div className="message notice" role="status">
          {message.partial.reasons.map((reason) => (
            <p key={reason}>{t(`mail.reader.partial.${reason}`)}</p>
          ))}
          <p>
            {message.partial.notShown > 0 ? `${t('mail.reader.partial.notShown', { count: message.partial.notShown })} ` : null}
            <a href={original} download>
              {t('mail.reader.partial.seeOriginal')}
            </a>
          </p>
        </div>
      ) : null}
      {message.html !== null ? <HTMLBody html={message.html} title={t('mail.reader.body')} /> : <pre className="mail-text">{message.text}</pre>}
      <AttachmentList base={base} uid={uid} attachments={message.attachments} />
      <p className="hint">
        <a href={original} download>
          {t('mail.reader.downloadOriginal')}
        </a>
      </p>
    </article>
  );
}
