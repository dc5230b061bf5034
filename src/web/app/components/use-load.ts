// Loads one GET answer for a page, and loads it again on demand (after a change).
import { useCallback, useEffect, useState } from 'react';
import { APIError, describeError, request } from '../api.js';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): Promise<void>;
}

export function useLoad<T>(path: string): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(async (): Promise<void> => {
    setLoading(true);
    try {
      setData(await request<T>('GET', path));
      setError(undefined);
    } catch (caught) {
      // A lost session or a required enrolment has already moved the user on.
      if (caught instanceof APIError && ['SESSION_TIMED_OUT', 'SIGN_IN_REQUIRED', 'OTP_REQUIRED'].includes(caught.code)) return;
      setError(describeError(caught));
    } finally {
      setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}
