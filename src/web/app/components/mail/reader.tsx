// The reading pane: headers, sender warnings and verdicts, the body (sanitised HTML in a sandboxed frame, or text), attachments and the message actions.
import { useEffect, useState } from 'react';
import type { ReactElement } from 'react';
import { APIError, describeError, request } from '../../api';
import type { MailAddress, MailFolder, MailMessage } from '../../api-types';
import { formatTime } from '../../format';

const TEXT = {
  loading: 'Loading message…',
  from: 'From',
  to: 'To',
  cc: 'Cc',
  date: 'Date',
  noSubject: '(no subject)',
  verdicts: 'Sender checks',
  imagesBlocked: 'Remote images blocked.',
  showImages: 'Show images',
  attachments: 'Attachments',
  markUnread: 'Mark unread',
  flag: 'Flag',
  unflag: 'Remove flag',
  moveTo: 'Move to',
  move: 'Move',
  delete: 'Delete',
  reply: 'Reply',
  replyAll: 'Reply all',
  forward: 'Forward',
  body: 'Message body',
};

/** Who a reply goes to, and the quoted original a reply or forward starts from. */
export type ReplyKind = 'reply' | 'replyAll' | 'forward';

export function formatAddress(a: MailAddress | null): string {
  if (!a) return '';
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/**
 * The sanitised HTML inside a frame with an empty sandbox: no script, no same-origin access, no
 * forms, and it inherits the page's CSP, so even a remote image the sanitiser missed is refused.
 */
function HTMLBody({ html }: { html: string }): ReactElement {
  const document = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"></head><body>${html}</body></html>`;
  return <iframe className="mail-html" title={TEXT.body} sandbox="" srcDoc={document} />;
}

export interface ReaderProps {
  folder: string;
  uid: number;
  folders: MailFolder[];
  onChanged(): void;
  onGone(): void;
  onReply(message: MailMessage, kind: ReplyKind): void;
}

export function Reader({ folder, uid, folders, onChanged, onGone, onReply }: ReaderProps): ReactElement {
  const [message, setMessage] = useState<MailMessage | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [images, setImages] = useState(false);
  const [target, setTarget] = useState('');
  const base = `/api/v1/mail/folders/${encodeURIComponent(folder)}/messages`;

  useEffect(() => {
    let cancelled = false;
    setMessage(undefined);
    setError(undefined);
    request<MailMessage>('GET', `${base}/${uid}${images ? '?remoteImages=allow' : ''}`).then(
      (answer) => {
        if (cancelled) return;
        setMessage(answer);
        onChanged();
      },
      (caught: unknown) => {
        if (!cancelled && !(caught instanceof APIError && ['SESSION_TIMED_OUT', 'SIGN_IN_REQUIRED'].includes(caught.code))) setError(describeError(caught));
      },
    );
    return () => {
      cancelled = true;
    };
    // Only a new message or the images choice reads again: onChanged is the page's refresh, and
    // reading again whenever it changes would loop.
  }, [base, uid, images]);

  async function act(run: () => Promise<void>): Promise<void> {
    try {
      setError(undefined);
      await run();
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  if (error) {
    return (
      <div className="message error" role="alert">
        <p>{error}</p>
      </div>
    );
  }
  if (!message) return <p role="status">{TEXT.loading}</p>;
  const others = folders.filter((f) => f.name !== folder);
  return (
    <article className="reader" aria-labelledby="reader-subject">
      <h2 id="reader-subject">{message.subject || TEXT.noSubject}</h2>
      {message.warnings.length > 0 ? (
        <div className="message warning" role="alert">
          {message.warnings.map((w) => (
            <p key={w.code}>{w.message}</p>
          ))}
        </div>
      ) : null}
      <dl className="headers">
        <dt>{TEXT.from}</dt>
        <dd>{formatAddress(message.from)}</dd>
        <dt>{TEXT.to}</dt>
        <dd>{message.to.map(formatAddress).join(', ')}</dd>
        {message.cc.length > 0 ? (
          <>
            <dt>{TEXT.cc}</dt>
            <dd>{message.cc.map(formatAddress).join(', ')}</dd>
          </>
        ) : null}
        <dt>{TEXT.date}</dt>
        <dd>{formatTime(message.date)}</dd>
        {message.authentication ? (
          <>
            <dt>{TEXT.verdicts}</dt>
            <dd>
              SPF {message.authentication.spf}, DKIM {message.authentication.dkim.map((d) => `${d.domain} ${d.result}`).join(', ') || 'none'}, DMARC {message.authentication.dmarc}
            </dd>
          </>
        ) : null}
      </dl>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => onReply(message, 'reply')}>
          {TEXT.reply}
        </button>
        <button type="button" className="secondary" onClick={() => onReply(message, 'replyAll')}>
          {TEXT.replyAll}
        </button>
        <button type="button" className="secondary" onClick={() => onReply(message, 'forward')}>
          {TEXT.forward}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            void act(async () => {
              await request('PATCH', `${base}/${uid}`, { seen: false });
              onGone();
            })
          }
        >
          {TEXT.markUnread}
        </button>
        <button
          type="button"
          className="secondary"
          aria-pressed={message.flagged}
          onClick={() =>
            void act(async () => {
              const answer = await request<{ flagged: boolean }>('PATCH', `${base}/${uid}`, { flagged: !message.flagged });
              setMessage({ ...message, flagged: answer.flagged });
              onChanged();
            })
          }
        >
          {message.flagged ? TEXT.unflag : TEXT.flag}
        </button>
        <label className="inline-field">
          {TEXT.moveTo}{' '}
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="" />
            {others.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="secondary"
          disabled={target === ''}
          onClick={() =>
            void act(async () => {
              await request('POST', `${base}/move`, { uids: [uid], to: target });
              onGone();
            })
          }
        >
          {TEXT.move}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() =>
            void act(async () => {
              await request('POST', `${base}/delete`, { uids: [uid] });
              onGone();
            })
          }
        >
          {TEXT.delete}
        </button>
      </div>
      {message.remoteImagesBlocked && !images ? (
        <div className="message notice">
          <p>
            {TEXT.imagesBlocked}{' '}
            <button type="button" className="link-button" onClick={() => setImages(true)}>
              {TEXT.showImages}
            </button>
          </p>
        </div>
      ) : null}
      {message.html !== null ? <HTMLBody html={message.html} /> : <pre className="mail-text">{message.text}</pre>}
      {message.attachments.length > 0 ? (
        <section aria-label={TEXT.attachments}>
          <h3>{TEXT.attachments}</h3>
          <ul>
            {message.attachments.map((a) => (
              <li key={a.index}>
                <a href={`${base}/${uid}/attachments/${a.index}`} download={a.filename}>
                  {a.filename}
                </a>{' '}
                ({Math.ceil(a.size / 1024)} KB)
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
