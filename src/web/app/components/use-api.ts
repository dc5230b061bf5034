// How a page reads data: one GET of the contract, read when the page opens, again when its input changes or on demand (after a change).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RequestOf, Route, Routes } from '../../contract/index.js';
import type { Answer } from '../api.js';
import { APIError, call, describeError } from '../api.js';

type ReadRoute = Extract<Route, `GET ${string}`>;

export interface Loaded<T> {
  /** The answer to the current input (undefined until it comes, and again while a new input loads). */
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): Promise<void>;
}

export interface LoadOptions {
  /** Read again whenever this changes as well, e.g. the page the user moved to. */
  again?: unknown;
}

type LoadArgs<R extends ReadRoute> = Partial<RequestOf<Routes[R]>> extends RequestOf<Routes[R]>
  ? [input?: RequestOf<Routes[R]>, options?: LoadOptions]
  : [input: RequestOf<Routes[R]>, options?: LoadOptions];

interface State<T> {
  /** The input the rest belongs to. */
  key: string;
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/** The codes after which the user is already elsewhere: signing in again, or turning on two-factor sign-in. */
const MOVED_ON = new Set(['SESSION_TIMED_OUT', 'SIGN_IN_REQUIRED', 'OTP_REQUIRED']);

export function useAPI<R extends ReadRoute>(route: R, ...[input, options = {}]: LoadArgs<R>): Loaded<Answer<R>> {
  const key = `${route} ${JSON.stringify(input ?? {})}`;
  const [state, setState] = useState<State<Answer<R>>>({ key, data: undefined, error: undefined, loading: true });
  const request = useRef({ route, input });
  request.current = { route, input };
  /** Only the latest read may change the state: an answer to an input the page has left is dropped. */
  const latest = useRef(0);

  const reload = useCallback(async (): Promise<void> => {
    const mine = ++latest.current;
    setState((before) => (before.key === key ? { ...before, loading: true } : { key, data: undefined, error: undefined, loading: true }));
    try {
      const { route: which, input: given } = request.current;
      const data = await call<ReadRoute>(which, given as never);
      if (mine === latest.current) setState({ key, data: data as Answer<R>, error: undefined, loading: false });
    } catch (caught) {
      if (mine !== latest.current) return;
      const error = caught instanceof APIError && MOVED_ON.has(caught.code) ? undefined : describeError(caught);
      setState((before) => ({ ...before, ...(error !== undefined ? { error } : {}), loading: false }));
    }
  }, [key]);

  useEffect(() => {
    void reload();
  }, [reload, options.again]);

  // Until the first read of a new input starts, it has nothing to show yet.
  const current = state.key === key ? state : { key, data: undefined, error: undefined, loading: true };
  return { data: current.data, error: current.error, loading: current.loading, reload };
}
