// The folder list: every folder with its unread count, "New message", and creating, renaming and deleting the user's own folders (the special ones stay).
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import type { MailFolder } from '../../../contract/index.js';
import { call } from '../../api.js';
import { useTranslation } from '../../i18n/index.js';
import { folderLabel } from './mail-format.js';
import { isSpecialFolder } from './mail-types.js';

export interface FolderListProps {
  folders: MailFolder[];
  current: string;
  onChoose(name: string): void;
  onCompose(): void;
  /** After a change: the folder to show now (a new or renamed one, or INBOX after a delete). */
  onChanged(show?: string): void;
  /** Reports a failure the page shows (undefined clears it). */
  onError(caught: unknown): void;
}

type Editing = { kind: 'create' } | { kind: 'rename'; name: string } | { kind: 'delete'; name: string } | undefined;

export function FolderList({ folders, current, onChoose, onCompose, onChanged, onError }: FolderListProps): ReactElement {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Editing>(undefined);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const open = folders.find((f) => f.name === current);
  const own = open !== undefined && !isSpecialFolder(open);

  async function run(action: () => Promise<string | undefined>): Promise<void> {
    setBusy(true);
    try {
      const show = await action();
      setEditing(undefined);
      setName('');
      onError(undefined);
      onChanged(show);
    } catch (caught) {
      onError(caught);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent): void {
    event.preventDefault();
    const wanted = name.trim();
    if (!editing || wanted === '') return;
    if (editing.kind === 'create') {
      void run(async () => {
        await call('POST /api/v1/mail/folders', { body: { name: wanted } });
        return wanted;
      });
    } else if (editing.kind === 'rename') {
      const from = editing.name;
      void run(async () => {
        await call('PATCH /api/v1/mail/folders/:name', { params: { name: from }, body: { name: wanted } });
        return wanted;
      });
    }
  }

  function remove(target: string): void {
    void run(async () => {
      await call('DELETE /api/v1/mail/folders/:name', { params: { name: target } });
      return 'INBOX';
    });
  }

  const cancel = (
    <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
      {t('mail.folders.cancel')}
    </button>
  );

  return (
    <nav className="mail-folders" aria-label={t('mail.folders.title')}>
      <button type="button" onClick={onCompose}>
        {t('mail.compose.new')}
      </button>
      <ul>
        {folders.map((f) => (
          <li key={f.name}>
            <button type="button" className="link-button" aria-current={f.name === current ? 'true' : undefined} onClick={() => onChoose(f.name)}>
              {folderLabel(f.name)}
              {f.unread > 0 ? <span className="count" aria-label={t('mail.folders.unread', { count: f.unread })}>{` (${f.unread})`}</span> : null}
            </button>
          </li>
        ))}
      </ul>
      <div className="folder-actions">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setName('');
            setEditing({ kind: 'create' });
          }}
        >
          {t('mail.folders.create')}
        </button>
        {own ? (
          <>
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setName(current);
                setEditing({ kind: 'rename', name: current });
              }}
            >
              {t('mail.folders.rename')}
            </button>
            <button type="button" className="link-button" onClick={() => setEditing({ kind: 'delete', name: current })}>
              {t('mail.folders.delete')}
            </button>
          </>
        ) : null}
      </div>
      {editing?.kind === 'create' || editing?.kind === 'rename' ? (
        <form className="folder-form" onSubmit={submit} aria-label={editing.kind === 'create' ? t('mail.folders.create') : t('mail.folders.renameTitle', { name: editing.name })}>
          <div className="field">
            <label htmlFor="folder-name">{t('mail.folders.name')}</label>
            <input id="folder-name" type="text" value={name} maxLength={500} autoFocus onChange={(e) => setName(e.target.value)} />
          </div>
          <p className="hint">{t('mail.folders.nameHint')}</p>
          <div className="actions">
            <button type="submit" disabled={busy || name.trim() === ''}>
              {editing.kind === 'create' ? t('mail.folders.createSubmit') : t('mail.folders.renameSubmit')}
            </button>
            {cancel}
          </div>
        </form>
      ) : null}
      {editing?.kind === 'delete' ? (
        <div className="message warning" role="alertdialog" aria-labelledby="folder-delete-question">
          <p id="folder-delete-question">{t('mail.folders.deleteQuestion', { name: editing.name })}</p>
          <div className="actions">
            <button type="button" className="danger" disabled={busy} onClick={() => remove(editing.name)}>
              {t('mail.folders.deleteSubmit')}
            </button>
            {cancel}
          </div>
        </div>
      ) : null}
    </nav>
  );
}
