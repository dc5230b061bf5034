// The compose form: recipients (To, Cc, Bcc) with completion from recent correspondents, subject, plain text and attachments, sending, and autosave to Drafts so a timeout or a closed tab loses at most a few seconds.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChangeEvent, FormEvent, ReactElement } from 'react';
import type { ComposedMessage, MailAddress } from '../../../contract/index.js';
import { call, describeError } from '../../api.js';
import { useTranslation } from '../../i18n/index.js';
import { fileAttachment, formatSize } from './mail-format.js';
import { MAX_ATTACHMENT_BYTES } from './mail-types.js';
import type { ComposeDraft } from './reply-draft.js';

/** Saved this long after the last keystroke (a pause), and at least this often while typing. */
const PAUSE_MS = 1500;
const EVERY_MS = 5000;

function addresses(field: string): string[] {
  return field
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function payload(draft: ComposeDraft): ComposedMessage {
  return {
    to: addresses(draft.to),
    cc: addresses(draft.cc),
    bcc: addresses(draft.bcc),
    subject: draft.subject,
    text: draft.text,
    attachments: draft.attachments.map(({ filename, contentType, base64 }) => ({ filename, contentType, base64 })),
    ...(draft.inReplyTo ? { inReplyTo: draft.inReplyTo } : {}),
  };
}

/** The address being typed: the part after the last comma. */
function lastPart(field: string): string {
  const parts = field.split(/[,;]/);
  return (parts[parts.length - 1] ?? '').trim();
}

function AddressField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange(next: string): void }): ReactElement {
  const [suggestions, setSuggestions] = useState<MailAddress[]>([]);
  const typed = lastPart(value);
  useEffect(() => {
    if (typed.length < 1) {
      setSuggestions([]);
      return;
    }
    let cancelled = false;
    call('GET /api/v1/mail/contacts', { query: { q: typed } }).then(
      (answer) => {
        if (!cancelled) setSuggestions(answer.contacts.filter((c) => c.address !== typed));
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [typed]);
  const listId = `${id}-contacts`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" list={listId} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" />
      <datalist id={listId}>
        {suggestions.map((c) => {
          const before = value.split(/[,;]/).slice(0, -1).join(', ');
          return <option key={c.address} value={before ? `${before}, ${c.address}` : c.address} label={c.name || c.address} />;
        })}
      </datalist>
    </div>
  );
}

export interface ComposeProps {
  initial: ComposeDraft;
  onClose(): void;
  onSent(): void;
  /** Each save to Drafts, with the UID of the new copy. */
  onSaved?(uid: number): void;
}

export function Compose({ initial, onClose, onSent, onSaved }: ComposeProps): ReactElement {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<ComposeDraft>(initial);
  const [status, setStatus] = useState<string>('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [sending, setSending] = useState(false);
  // The latest form and whether it differs from the last save, read by the timers.
  const latest = useRef(draft);
  // A forward starts with the original's attachments: worth saving before the first keystroke.
  const dirty = useRef(initial.attachments.length > 0 && initial.draftUid === undefined);
  const saving = useRef<Promise<void> | undefined>(undefined);
  const sent = useRef(false);
  const saved = useRef(onSaved);
  useEffect(() => {
    saved.current = onSaved;
  }, [onSaved]);

  const save = useCallback(async (): Promise<void> => {
    if (saving.current) await saving.current;
    if (!dirty.current || sent.current) return;
    dirty.current = false;
    const snapshot = latest.current;
    setStatus(t('mail.compose.saving'));
    const run = (async () => {
      try {
        const answer = await call('PUT /api/v1/mail/drafts', { body: { ...payload(snapshot), ...(snapshot.draftUid ? { draftUid: snapshot.draftUid } : {}) } });
        latest.current = { ...latest.current, draftUid: answer.uid };
        setDraft((before) => ({ ...before, draftUid: answer.uid }));
        setStatus(t('mail.compose.saved', { time: new Date().toLocaleTimeString() }));
        saved.current?.(answer.uid);
      } catch (caught) {
        dirty.current = true;
        setStatus(t('mail.compose.saveFailed', { why: describeError(caught) }));
      }
    })();
    saving.current = run;
    await run;
    saving.current = undefined;
  }, [t]);

  useEffect(() => {
    const every = setInterval(() => void save(), EVERY_MS);
    // A hidden tab may be closed next: save what there is now.
    const onHide = (): void => {
      if (document.visibilityState === 'hidden') void save();
    };
    document.addEventListener('visibilitychange', onHide);
    return () => {
      clearInterval(every);
      document.removeEventListener('visibilitychange', onHide);
    };
  }, [save]);

  useEffect(() => {
    if (!dirty.current) return;
    const pause = setTimeout(() => void save(), PAUSE_MS);
    return () => clearTimeout(pause);
  }, [draft.to, draft.cc, draft.bcc, draft.subject, draft.text, draft.attachments, save]);

  function change(patch: Partial<ComposeDraft>): void {
    dirty.current = true;
    latest.current = { ...latest.current, ...patch };
    setDraft((before) => ({ ...before, ...patch }));
  }

  async function attach(event: ChangeEvent<HTMLInputElement>): Promise<void> {
    const input = event.target;
    const files = [...(input.files ?? [])];
    input.value = '';
    setError(undefined);
    let total = latest.current.attachments.reduce((sum, a) => sum + a.size, 0);
    const added = [];
    for (const file of files) {
      if (total + file.size > MAX_ATTACHMENT_BYTES) {
        setError(t('mail.compose.tooBig', { name: file.name, limit: formatSize(MAX_ATTACHMENT_BYTES) }));
        continue;
      }
      try {
        added.push(await fileAttachment(file));
        total += file.size;
      } catch {
        setError(t('mail.compose.unreadable', { name: file.name }));
      }
    }
    if (added.length > 0) change({ attachments: [...latest.current.attachments, ...added] });
  }

  function send(event: FormEvent): void {
    event.preventDefault();
    setSending(true);
    setError(undefined);
    void (async () => {
      try {
        if (saving.current) await saving.current;
        // The server removes the draft this message came from once it is sent (its Sent copy stays).
        const uid = latest.current.draftUid;
        await call('POST /api/v1/mail/send', { body: { ...payload(latest.current), ...(uid ? { draftUid: uid } : {}) } });
        sent.current = true;
        onSent();
      } catch (caught) {
        setError(describeError(caught));
      } finally {
        setSending(false);
      }
    })();
  }

  return (
    <form className="compose" onSubmit={send} aria-labelledby="compose-title">
      <h2 id="compose-title">{t('mail.compose.title')}</h2>
      <AddressField id="compose-to" label={t('mail.compose.to')} value={draft.to} onChange={(to) => change({ to })} />
      <AddressField id="compose-cc" label={t('mail.compose.cc')} value={draft.cc} onChange={(cc) => change({ cc })} />
      <AddressField id="compose-bcc" label={t('mail.compose.bcc')} value={draft.bcc} onChange={(bcc) => change({ bcc })} />
      <p className="hint">{t('mail.compose.hint')}</p>
      <div className="field">
        <label htmlFor="compose-subject">{t('mail.compose.subject')}</label>
        <input id="compose-subject" type="text" value={draft.subject} onChange={(e) => change({ subject: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="compose-body">{t('mail.compose.body')}</label>
        <textarea id="compose-body" rows={14} value={draft.text} onChange={(e) => change({ text: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="compose-files">{t('mail.compose.attach')}</label>
        <input id="compose-files" type="file" multiple onChange={(e) => void attach(e)} />
        <p className="hint">{t('mail.compose.attachHint', { limit: formatSize(MAX_ATTACHMENT_BYTES) })}</p>
      </div>
      {draft.attachments.length > 0 ? (
        <ul className="compose-attachments" aria-label={t('mail.compose.attachments')}>
          {draft.attachments.map((a, index) => (
            <li key={`${index}-${a.filename}`}>
              {t('mail.compose.attachment', { name: a.filename, size: formatSize(a.size) })}{' '}
              <button
                type="button"
                className="link-button"
                aria-label={t('mail.compose.removeOf', { name: a.filename })}
                onClick={() => change({ attachments: latest.current.attachments.filter((_, i) => i !== index) })}
              >
                {t('mail.compose.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <div className="message error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      <p className="hint" role="status">
        {status}
      </p>
      <div className="actions">
        <button type="submit" disabled={sending}>
          {sending ? t('mail.compose.sending') : t('mail.compose.send')}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            void save().then(onClose);
          }}
        >
          {t('mail.compose.discard')}
        </button>
      </div>
    </form>
  );
}
