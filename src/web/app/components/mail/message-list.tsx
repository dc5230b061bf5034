// The message list of one folder: search, sort and filter, a checkbox per row with "select all on this page", and the bulk actions on the selected messages.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import type { MailFolder, MessageListItem } from '../../../contract/index.js';
import { call } from '../../api.js';
import { formatTime } from '../../format.js';
import { useTranslation } from '../../i18n/index.js';
import { FolderSelect } from './folder-select.js';
import type { MessageList } from './use-message-list.js';

/** Flag changes go one message at a time (there is no bulk flag route): this many at once. */
const PARALLEL = 8;

export interface MessageListProps {
  folder: string;
  folders: MailFolder[];
  list: MessageList;
  /** The message open in the reading pane. */
  open: number | undefined;
  onOpen(item: MessageListItem): void;
  /** After a bulk action: `gone` are the UIDs no longer in this folder. */
  onChanged(gone: number[]): void;
  onError(caught: unknown): void;
}

async function eachUid(uids: number[], run: (uid: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < uids.length; i += PARALLEL) await Promise.all(uids.slice(i, i + PARALLEL).map(run));
}

/** A labelled drop-down of the list's settings (sort order, filter). */
function Choice<V extends string>({ label, value, options, onChange }: { label: string; value: V; options: ReadonlyArray<readonly [V, string]>; onChange(value: V): void }): ReactElement {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.target.value as V)}>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function MessageListView({ folder, folders, list, open, onOpen, onChanged, onError }: MessageListProps): ReactElement {
  const { t } = useTranslation();
  const [typed, setTyped] = useState(list.q);
  const [checked, setChecked] = useState<ReadonlySet<number>>(new Set());
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const { items } = list;

  // Only rows still shown stay selected (a reload, another folder, a live update).
  useEffect(() => {
    setChecked((before) => {
      const shown = new Set(items.map((i) => i.uid));
      const kept = [...before].filter((uid) => shown.has(uid));
      return kept.length === before.size ? before : new Set(kept);
    });
  }, [items]);
  useEffect(() => {
    setChecked(new Set());
    setTarget('');
  }, [folder]);

  const selected = useMemo(() => items.filter((i) => checked.has(i.uid)), [items, checked]);
  const allChecked = items.length > 0 && selected.length === items.length;

  function toggle(uid: number, on: boolean): void {
    setChecked((before) => {
      const next = new Set(before);
      if (on) next.add(uid);
      else next.delete(uid);
      return next;
    });
  }

  async function bulk(run: (uids: number[]) => Promise<number[]>): Promise<void> {
    const uids = selected.map((i) => i.uid);
    if (uids.length === 0) return;
    setBusy(true);
    try {
      const gone = await run(uids);
      setChecked(new Set());
      onError(undefined);
      onChanged(gone);
    } catch (caught) {
      onError(caught);
      onChanged([]);
    } finally {
      setBusy(false);
    }
  }

  function setFlag(flag: 'seen' | 'flagged', on: boolean): void {
    void bulk(async (uids) => {
      await eachUid(uids, async (uid) => {
        await call('PATCH /api/v1/mail/folders/:name/messages/:uid', { params: { name: folder, uid }, body: { [flag]: on } });
      });
      const changed = new Set(uids);
      list.setItems((before) => before.map((i) => (changed.has(i.uid) ? { ...i, [flag]: on } : i)));
      return [];
    });
  }

  function search(event: FormEvent): void {
    event.preventDefault();
    list.setQ(typed);
  }

  return (
    <>
      <form className="mail-tools" onSubmit={search} role="search">
        <label>
          {t('mail.list.search')}{' '}
          <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} title={t('mail.list.searchHint')} />
        </label>
        <Choice
          label={t('mail.list.sort')}
          value={list.sort}
          onChange={list.setSort}
          options={[
            ['date', t('mail.list.sortDate')],
            ['from', t('mail.list.sortFrom')],
            ['subject', t('mail.list.sortSubject')],
          ]}
        />
        <Choice
          label={t('mail.list.show')}
          value={list.filter}
          onChange={list.setFilter}
          options={[
            ['', t('mail.list.all')],
            ['unread', t('mail.list.unread')],
            ['flagged', t('mail.list.flagged')],
          ]}
        />
      </form>
      <div className="bulk-tools" role="toolbar" aria-label={t('mail.bulk.title')}>
        <label className="inline-field">
          <input type="checkbox" checked={allChecked} disabled={items.length === 0} onChange={(e) => setChecked(e.target.checked ? new Set(items.map((i) => i.uid)) : new Set())} />{' '}
          {t('mail.bulk.selectAll')}
        </label>
        {selected.length > 0 ? (
          <>
            <span role="status">{t('mail.bulk.selected', { count: selected.length })}</span>
            <button type="button" className="secondary" disabled={busy} onClick={() => setFlag('seen', true)}>
              {t('mail.bulk.markRead')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setFlag('seen', false)}>
              {t('mail.bulk.markUnread')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setFlag('flagged', true)}>
              {t('mail.bulk.flag')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setFlag('flagged', false)}>
              {t('mail.bulk.unflag')}
            </button>
            <FolderSelect label={t('mail.bulk.moveTo')} folders={folders} current={folder} value={target} onChange={setTarget} />
            <button
              type="button"
              className="secondary"
              disabled={busy || target === ''}
              onClick={() =>
                void bulk(async (uids) => {
                  await call('POST /api/v1/mail/folders/:name/messages/move', { params: { name: folder }, body: { uids, to: target } });
                  return uids;
                })
              }
            >
              {t('mail.bulk.move')}
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() =>
                void bulk(async (uids) => {
                  await call('POST /api/v1/mail/folders/:name/messages/delete', { params: { name: folder }, body: { uids } });
                  return uids;
                })
              }
            >
              {t('mail.bulk.delete')}
            </button>
          </>
        ) : null}
      </div>
      <ul className="messages" aria-label={t('mail.list.title')} aria-busy={list.loading}>
        {items.map((item) => {
          const subject = item.subject || t('mail.list.noSubject');
          return (
            <li key={item.uid} className={`${item.seen ? 'read' : 'unread'}${item.uid === open ? ' selected' : ''}${checked.has(item.uid) ? ' checked' : ''}`}>
              <input
                type="checkbox"
                className="row-check"
                checked={checked.has(item.uid)}
                onChange={(e) => toggle(item.uid, e.target.checked)}
                aria-label={t('mail.bulk.selectOne', { subject })}
              />
              <button type="button" className="message-row" onClick={() => onOpen(item)}>
                <span className="from">{item.from ? item.from.name || item.from.address : ''}</span>
                <span className="subject">{subject}</span>
                <span className="date">{formatTime(item.date)}</span>
                {item.flagged ? (
                  <span className="flag" aria-label={t('mail.list.flaggedMark')}>
                    ⚑
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
      {!list.loading && items.length === 0 ? <p>{t('mail.list.empty')}</p> : null}
      {list.loading && items.length === 0 ? <p role="status">{t('common.loading')}</p> : null}
      {list.cursor ? <MoreButton list={list} label={t('mail.list.more')} /> : null}
    </>
  );
}

/**
 * The next page: loaded when the button scrolls into view (so scrolling goes on through a folder of
 * any size, one page of rows at a time) or when it is pressed, never twice at once. Rows out of
 * view are not laid out or painted (content-visibility in styles.css), so a long list stays smooth.
 */
function MoreButton({ list, label }: { list: MessageList; label: string }): ReactElement {
  const button = useRef<HTMLButtonElement>(null);
  const busy = useRef(false);
  const { loadMore } = list;
  const more = useCallback((): void => {
    if (busy.current) return;
    busy.current = true;
    void loadMore().finally(() => {
      busy.current = false;
    });
  }, [loadMore]);
  useEffect(() => {
    const element = button.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) more();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [more]);
  return (
    <button ref={button} type="button" className="secondary" onClick={more}>
      {label}
    </button>
  );
}
