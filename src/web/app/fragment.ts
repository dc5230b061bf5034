// Tokens of links from security mail: read from the URL fragment, which browsers never send to a server, then cleared from the address bar, and checked with the server.
import { useEffect, useState } from 'react';
import { describeError } from './api.js';

/** The `token` of `#token=…` (reading only: a render must have no side effects). */
function readFragmentToken(): string | undefined {
  const token = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
  return token === null || token === '' ? undefined : token;
}

/**
 * Removes the fragment from the address bar and this history entry once the page holds the token,
 * so a copied address, a bookmark or a screenshot does not carry it.
 */
function clearFragment(): void {
  if (window.location.hash !== '') window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}

/** One reading of the link: a new object for every link opened, even the same one twice. */
export interface LinkToken {
  token: string | undefined;
}

/**
 * The token of the link this page was opened with. A link opened again in the same tab changes
 * only the fragment, which loads no page: that arrives as a hashchange and is read the same way.
 */
export function useFragmentToken(): LinkToken {
  const [read, setRead] = useState<LinkToken>(() => ({ token: readFragmentToken() }));
  useEffect(() => {
    clearFragment();
    const onHashChange = (): void => {
      const token = readFragmentToken();
      if (token === undefined) return;
      setRead({ token });
      clearFragment();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return read;
}

export interface LinkCheck<A> {
  /** The server is looking at the token. */
  checking(): void;
  check(token: string): Promise<A>;
  answered(answer: A): void;
  /** The check failed, with the words for why. */
  failed(reason: string): void;
}

/**
 * Checks the token of each link the page is opened with; an outcome for a link the page has since
 * left is dropped.
 */
export function useLinkCheck<A>(link: LinkToken, spec: LinkCheck<A>): void {
  const { token } = link;
  useEffect(() => {
    if (token === undefined) return;
    spec.checking();
    let cancelled = false;
    spec.check(token).then(
      (answer) => {
        if (!cancelled) spec.answered(answer);
      },
      (error: unknown) => {
        if (!cancelled) spec.failed(describeError(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [link, token]);
}
