// The message list of one folder as state: sort, filter and search, the loaded pages, and reloading them (after a change, or a live update).
import { useCallback, useEffect, useState } from 'react';
import type { Dispatch, SetStateAction } from 'react';
import { request } from '../../api.js';
import type { MessageListItem, MessagePage } from '../../api-types.js';
import { messagesPath } from './mail-types.js';

const PAGE_SIZE = 50;
export type Sort = 'date' | 'from' | 'subject';
export type Filter = '' | 'unread' | 'flagged';

export interface MessageList {
  items: MessageListItem[];
  setItems: Dispatch<SetStateAction<MessageListItem[]>>;
  cursor: string | null;
  loading: boolean;
  sort: Sort;
  setSort(sort: Sort): void;
  filter: Filter;
  setFilter(filter: Filter): void;
  q: string;
  setQ(q: string): void;
  /** Reads the first page again (and as many rows as were shown, up to a page). */
  reload(): Promise<void>;
  loadMore(): Promise<void>;
}

export function useMessageList(folder: string, onError: (caught: unknown) => void): MessageList {
  const [sort, setSort] = useState<Sort>('date');
  const [filter, setFilter] = useState<Filter>('');
  const [q, setQ] = useState('');
  const [items, setItems] = useState<MessageListItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const listPath = useCallback(
    (after: string | null): string => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE), sort, order: sort === 'date' ? 'desc' : 'asc' });
      if (filter) params.set('filter', filter);
      if (q.trim()) params.set('q', q.trim());
      if (after) params.set('cursor', after);
      return `${messagesPath(folder)}?${params.toString()}`;
    },
    [folder, sort, filter, q],
  );

  const reload = useCallback(async (): Promise<void> => {
    setLoading(true);
    try {
      const page = await request<MessagePage>('GET', listPath(null));
      setItems(page.items);
      setCursor(page.nextCursor);
      onError(undefined);
    } catch (caught) {
      onError(caught);
    } finally {
      setLoading(false);
    }
  }, [listPath, onError]);

  const loadMore = useCallback(async (): Promise<void> => {
    if (!cursor) return;
    try {
      const page = await request<MessagePage>('GET', listPath(cursor));
      setItems((before) => [...before, ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      onError(caught);
    }
  }, [cursor, listPath, onError]);

  // Another folder starts empty rather than showing the last one's rows under its name.
  useEffect(() => {
    setItems([]);
    setCursor(null);
  }, [folder]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { items, setItems, cursor, loading, sort, setSort, filter, setFilter, q, setQ, reload, loadMore };
}
