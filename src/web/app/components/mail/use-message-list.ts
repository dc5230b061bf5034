// The message list of one folder as state: sort, filter and search, the loaded pages, and reloading them (after a change, or a live update).
import { useCallback, useEffect, useState } from 'react';
import type { Dispatch, SetStateAction } from 'react';
import type { MessageListItem, MessagePage } from '../../../contract/index.js';
import { call } from '../../api.js';

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

  const page = useCallback(
    (after: string | null): Promise<MessagePage> =>
      call('GET /api/v1/mail/folders/:name/messages', {
        params: { name: folder },
        query: { limit: PAGE_SIZE, sort, order: sort === 'date' ? 'desc' : 'asc', filter: filter || undefined, q: q.trim() || undefined, cursor: after ?? undefined },
      }),
    [folder, sort, filter, q],
  );

  const reload = useCallback(async (): Promise<void> => {
    setLoading(true);
    try {
      const first = await page(null);
      setItems(first.items);
      setCursor(first.nextCursor);
      onError(undefined);
    } catch (caught) {
      onError(caught);
    } finally {
      setLoading(false);
    }
  }, [page, onError]);

  const loadMore = useCallback(async (): Promise<void> => {
    if (!cursor) return;
    try {
      const next = await page(cursor);
      setItems((before) => [...before, ...next.items]);
      setCursor(next.nextCursor);
    } catch (caught) {
      onError(caught);
    }
  }, [cursor, page, onError]);

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
