// The compose form: recipients with completion from recent correspondents, subject and plain text, sending, and autosave to Drafts so a timeout or a closed tab loses at most a few seconds.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { describeError, request } from '../../api';
import type { MailAddress } from '../../api-types';

const TEXT = {
  title: 'New message',
  to: 'To',
  cc: 'Cc',
  subject: 'Subject',
  body: 'Message',
  send: 'Send',
  sending: 'Sending…',
  discard: 'Close',
  saving: 'Saving draft…',
  saved: (time: string) => `Draft saved at ${time}`,
  saveFailed: (why: string) => `The draft was not saved: ${why}`,
  hint: 'Separate addresses with commas.',
};

/** Saved this long after the last keystroke (a pause), and at least this often while typing. */
const PAUSE_MS = 1500;
const EVERY_MS = 5000;

export interface ComposeDraft {
  to: string;
  cc: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  /** The Drafts copy this form replaces on its next save. */
  draftUid?: number;
}

function addresses(field: string): string[] {
  return field
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function payload(draft: ComposeDraft): Record<string, unknown> {
  return {
    to: addresses(draft.to),
    cc: addresses(draft.cc),
    subject: draft.subject,
    text: draft.text,
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
    request<{ contacts: MailAddress[] }>('GET', `/api/v1/mail/contacts?q=${encodeURIComponent(typed)}`).then(
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

export function Compose({ initial, onClose, onSent }: { initial: ComposeDraft; onClose(): void; onSent(): void }): ReactElement {
  const [draft, setDraft] = useState<ComposeDraft>(initial);
  const [status, setStatus] = useState<string>('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [sending, setSending] = useState(false);
  // The latest form and whether it differs from the last save, read by the timers.
  const latest = useRef(draft);
  const dirty = useRef(false);
  const saving = useRef<Promise<void> | undefined>(undefined);
  const sent = useRef(false);

  const save = useCallback(async (): Promise<void> => {
    if (saving.current) await saving.current;
    if (!dirty.current || sent.current) return;
    dirty.current = false;
    const snapshot = latest.current;
    setStatus(TEXT.saving);
    const run = (async () => {
      try {
        const answer = await request<{ uid: number }>('PUT', '/api/v1/mail/drafts', { ...payload(snapshot), ...(snapshot.draftUid ? { draftUid: snapshot.draftUid } : {}) });
        latest.current = { ...latest.current, draftUid: answer.uid };
        setDraft((before) => ({ ...before, draftUid: answer.uid }));
        setStatus(TEXT.saved(new Date().toLocaleTimeString()));
      } catch (caught) {
        dirty.current = true;
        setStatus(TEXT.saveFailed(describeError(caught)));
      }
    })();
    saving.current = run;
    await run;
    saving.current = undefined;
  }, []);

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
  }, [draft.to, draft.cc, draft.subject, draft.text, save]);

  function change(patch: Partial<ComposeDraft>): void {
    dirty.current = true;
    latest.current = { ...latest.current, ...patch };
    setDraft((before) => ({ ...before, ...patch }));
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
        await request('POST', '/api/v1/mail/send', { ...payload(latest.current), ...(uid ? { draftUid: uid } : {}) });
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
      <h2 id="compose-title">{TEXT.title}</h2>
      <AddressField id="compose-to" label={TEXT.to} value={draft.to} onChange={(to) => change({ to })} />
      <AddressField id="compose-cc" label={TEXT.cc} value={draft.cc} onChange={(cc) => change({ cc })} />
      <p className="hint">{TEXT.hint}</p>
      <div className="field">
        <label htmlFor="compose-subject">{TEXT.subject}</label>
        <input id="compose-subject" type="text" value={draft.subject} onChange={(e) => change({ subject: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="compose-body">{TEXT.body}</label>
        <textarea id="compose-body" rows={14} value={draft.text} onChange={(e) => change({ text: e.target.value })} />
      </div>
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
          {sending ? TEXT.sending : TEXT.send}
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            void save().then(onClose);
          }}
        >
          {TEXT.discard}
        </button>
      </div>
    </form>
  );
}
